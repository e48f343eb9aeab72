package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/dingops/dingops/core/levenshtein"
)

// handler runs one command for one message.
type handler func(ctx context.Context, b *Bot, m Message, c *Command) Response

// entry is one row of the command table.
type entry struct {
	name    Name
	aliases []string // Chinese and short forms
	args    []argSpec
	handle  handler
}

// Table is the one command table: it drives parsing, dispatch, aliases and
// help.
type Table struct {
	entries []*entry
	lookup  map[string]*entry
}

// newTable builds the table and refuses a name or alias used twice.
func newTable(entries ...*entry) (*Table, error) {
	t := &Table{lookup: map[string]*entry{}}
	for _, e := range entries {
		for _, w := range append([]string{string(e.name)}, e.aliases...) {
			if prev, dup := t.lookup[w]; dup {
				return nil, fmt.Errorf("command table: %q is claimed by both /%s and /%s", w, prev.name, e.name)
			}
			t.lookup[w] = e
		}
		t.entries = append(t.entries, e)
	}
	return t, nil
}

// closest is the command or alias nearest to word, if near enough.
func (t *Table) closest(word string) string {
	if word == "" {
		return ""
	}
	words := make([]string, 0, len(t.lookup))
	for w := range t.lookup {
		words = append(words, w)
	}
	sort.Strings(words)
	best, dist := "", 3
	if len([]rune(word)) <= 3 {
		dist = 2
	}
	for _, w := range words {
		if d := levenshtein.Distance(word, w); d < dist {
			best, dist = w, d
		}
	}
	if best == "" {
		return ""
	}
	return string(t.lookup[best].name)
}

// Names lists the commands in table order.
func (t *Table) Names() []Name {
	out := make([]Name, len(t.entries))
	for i, e := range t.entries {
		out[i] = e.name
	}
	return out
}

func (t *Table) entry(n Name) *entry {
	for _, e := range t.entries {
		if e.name == n {
			return e
		}
	}
	return nil
}

func usageKey(n Name) string { return "usage." + string(n) }
func helpKey(n Name) string  { return "help." + string(n) }

// aliasList renders an entry's aliases for help.
func (e *entry) aliasList() string {
	if len(e.aliases) == 0 {
		return ""
	}
	return "/" + strings.Join(e.aliases, " /")
}
