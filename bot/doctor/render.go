package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Redactor removes secret values from text.
type Redactor []string

// Clean replaces every secret value in s with [redacted].
func (r Redactor) Clean(s string) string {
	for _, v := range r {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}

func (r Redactor) result(x Result) Result {
	x.Name, x.Tried, x.Detail, x.Fix = r.Clean(x.Name), r.Clean(x.Tried), r.Clean(x.Detail), r.Clean(x.Fix)
	return x
}

// Summary is the closing line: how many checks passed, warned and failed.
func Summary(rs []Result) string {
	f, w := Failures(rs), Warnings(rs)
	s := fmt.Sprintf("%d checks: %d ok, %d warnings, %d failed", len(rs), len(rs)-f-w, w, f)
	if f == 0 {
		return s + " — ready"
	}
	return s + " — fix the ✗ lines above"
}

// Line is one result on one line: mark, integration, name, what was tried
// and what was seen.
func Line(r Result) string {
	s := fmt.Sprintf("%s %s: %s — %s", r.Status.Mark(), r.Integration, r.Name, r.Tried)
	if r.Detail != "" {
		s += ": " + r.Detail
	}
	return s
}

// WriteText prints one line per result, the fix indented under each ✗ and
// !, then the summary. Secrets are redacted.
func WriteText(w io.Writer, rs []Result, red Redactor) error {
	var b strings.Builder
	for _, r := range rs {
		r = red.result(r)
		b.WriteString(Line(r) + "\n")
		if r.Fix != "" && r.Status != OK {
			b.WriteString("    fix: " + r.Fix + "\n")
		}
	}
	b.WriteString(Summary(rs) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON prints {"results": [...], "summary": {...}}. Secrets are
// redacted.
func WriteJSON(w io.Writer, rs []Result, red Redactor) error {
	clean := make([]Result, len(rs))
	for i, r := range rs {
		clean[i] = red.result(r)
	}
	f, wn := Failures(rs), Warnings(rs)
	doc := struct {
		Results []Result `json:"results"`
		Summary any      `json:"summary"`
	}{clean, map[string]int{"checks": len(rs), "ok": len(rs) - f - wn, "warnings": wn, "failed": f}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
