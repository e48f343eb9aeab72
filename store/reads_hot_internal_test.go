package store

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestHotColumnsAreReleaseRow: the hot reads' fixed column list names
// every column of releaseRow, so a column added by a migration cannot be
// silently dropped on the hot path.
func TestHotColumnsAreReleaseRow(t *testing.T) {
	var want []string
	rt := reflect.TypeOf(releaseRow{})
	for i := range rt.NumField() {
		tag := rt.Field(i).Tag.Get("bun")
		name, _, _ := strings.Cut(tag, ",")
		if name == "" || strings.HasPrefix(name, "table:") {
			continue
		}
		want = append(want, name)
	}
	var got []string
	for _, c := range strings.Split(releaseColumns, ",") {
		got = append(got, strings.TrimPrefix(strings.TrimSpace(c), "r."))
	}
	assert.Equal(t, want, got)
	var w releaseRow
	assert.Len(t, releaseDest(&w, nil), len(want))
}
