package core

import (
	"bytes"
	"context"
	"sync"
)

// outputTail is how much deploy and build output a release keeps.
const outputTail = 4096

// progressLog collects a deploy's or build's output: it keeps the tail for
// the release record and reports each complete line as progress.
type progressLog struct {
	ctx  context.Context
	e    *Engine
	r    Release
	mu   sync.Mutex
	tail []byte
	line []byte
}

func newProgressLog(ctx context.Context, e *Engine, r Release) *progressLog {
	return &progressLog{ctx: ctx, e: e, r: r}
}

// Write keeps the tail and reports complete lines.
func (p *progressLog) Write(b []byte) (int, error) {
	p.mu.Lock()
	p.tail = append(p.tail, b...)
	if len(p.tail) > 2*outputTail {
		p.tail = append([]byte(nil), p.tail[len(p.tail)-outputTail:]...)
	}
	p.line = append(p.line, b...)
	var lines []string
	for {
		i := bytes.IndexByte(p.line, '\n')
		if i < 0 {
			break
		}
		if l := bytes.TrimSpace(p.line[:i]); len(l) > 0 {
			lines = append(lines, string(l))
		}
		p.line = p.line[i+1:]
	}
	p.mu.Unlock()
	for _, l := range lines {
		p.e.notify(p.ctx, p.r, StepProgress, l) // notify redacts
	}
	return len(b), nil
}

// BuildStarted records the started build's reference on the release, if
// it is still building, and refreshes its cards. A failure only costs the
// card its link: the build goes on, followed by the handle it had.
func (p *progressLog) BuildStarted(ref string) {
	if ref == "" || ref == p.r.BuildRef {
		return
	}
	out, err := p.e.cfg.Releases.Transition(p.ctx, p.r.ID, []Status{StatusBuilding}, StatusBuilding,
		Change{At: p.e.Now(), BuildRef: &ref})
	if err != nil {
		p.e.log.WarnContext(p.ctx, "recording the started build", "release", int64(p.r.ID), "build", ref, "err", err)
		return
	}
	p.e.notify(p.ctx, out, StepProgress, "") // no line to print; the cards show the build
}

// Tail is the last outputTail bytes written, secrets masked. The cut is
// made before masking, so a secret cut in half at the start may show its
// end; the cut moves to the next line break to avoid that.
func (p *progressLog) Tail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.tail
	if len(t) > outputTail {
		t = t[len(t)-outputTail:]
		if i := bytes.IndexByte(t, '\n'); i >= 0 {
			t = t[i+1:]
		}
	}
	return p.e.clean(string(t))
}
