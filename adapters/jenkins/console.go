package jenkins

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// tailLines is how much of the console a failed build reports.
const tailLines = 40

// maxPartial bounds a console line kept while waiting for its end.
const maxPartial = 4 << 10

// console is the progress through a build's console text.
type console struct {
	w      io.Writer
	offset int64
	tail   tail
}

// pullConsole fetches the console text after the last offset, as Jenkins'
// progressiveText serves it: X-Text-Size is the next offset, X-More-Data
// is present while the text still grows.
func (b *Builder) pullConsole(ctx context.Context, r Ref, c *console) (grew, more bool, err error) {
	q := url.Values{"start": {strconv.FormatInt(c.offset, 10)}}
	resp, err := b.get(ctx, buildPath(r)+"/logText/progressiveText", q)
	if err != nil {
		return false, false, fmt.Errorf("reading the console: %w", err)
	}
	size, err := strconv.ParseInt(resp.header.Get("X-Text-Size"), 10, 64)
	if err != nil {
		return false, false, fmt.Errorf("reading the console: bad X-Text-Size %q", resp.header.Get("X-Text-Size"))
	}
	if len(resp.body) > 0 {
		// A failing log writer must not fail the build; the tail is kept.
		_, _ = c.w.Write(resp.body)
		c.tail.add(resp.body)
	}
	c.offset = size
	return len(resp.body) > 0, resp.header.Get("X-More-Data") == "true", nil
}

// tail keeps the last max lines of a text fed in pieces.
type tail struct {
	max     int
	lines   []string
	partial string
}

func (t *tail) add(p []byte) {
	parts := strings.Split(t.partial+string(p), "\n")
	t.partial = parts[len(parts)-1]
	if len(t.partial) > maxPartial {
		t.partial = t.partial[len(t.partial)-maxPartial:]
	}
	for _, line := range parts[:len(parts)-1] {
		t.lines = append(t.lines, strings.TrimSuffix(line, "\r"))
	}
	if over := len(t.lines) - t.max; over > 0 {
		t.lines = append(t.lines[:0], t.lines[over:]...)
	}
}

// String is the tail, an unfinished last line included.
func (t *tail) String() string {
	lines := t.lines
	if t.partial != "" {
		lines = append(lines[:len(lines):len(lines)], t.partial)
	}
	return strings.Join(lines[max(len(lines)-t.max, 0):], "\n")
}
