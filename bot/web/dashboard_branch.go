package web

import (
	"strings"

	"github.com/dingops/dingops/core"
)

// releaseExtraRows are a release's requirement (linked when a pattern
// matched its id) and release options, for the dashboard's release cards.
func releaseExtraRows(v *view, r core.Release) []cardRow {
	var rows []cardRow
	if q := r.Requirement; q.Text != "" {
		row := cardRow{Label: v.T("history.requirement"), Value: q.Text}
		if strings.HasPrefix(q.URL, "https://") || strings.HasPrefix(q.URL, "http://") {
			row.Href = q.URL
		}
		rows = append(rows, row)
	}
	if len(r.Options) > 0 {
		parts := make([]string, len(r.Options))
		for i, o := range r.Options {
			parts[i] = o.Name + "=" + o.Value
		}
		rows = append(rows, cardRow{Label: v.T("history.options"), Value: strings.Join(parts, " ")})
	}
	return rows
}
