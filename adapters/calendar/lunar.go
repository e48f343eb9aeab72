package calendar

import (
	"fmt"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"github.com/dingops/dingops/core"
)

// The years LunarGo asks HolidayUtil about. They bound the search, not the
// answer: the data's real range (2001-12-29..2027-10-09 in v1.4.7) is
// whatever the library returns inside them, so an upgrade that adds 2028
// moves DataEnds without a code change. 211 lookups take about 2 ms.
const (
	scanFirstYear = 1990
	scanLastYear  = 2200
)

// LunarGo reads the statutory holiday table compiled into lunar-go's
// HolidayUtil. It only reads: HolidayUtil.Fix rewrites package globals
// without locking, so corrections belong in Config.Overrides instead.
type LunarGo struct{}

// Entries lists every day of the library's table, oldest first.
func (LunarGo) Entries() ([]Entry, error) {
	var out []Entry
	for y := scanFirstYear; y <= scanLastYear; y++ {
		for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
			h, ok := e.Value.(*HolidayUtil.Holiday)
			if !ok || h == nil {
				return nil, fmt.Errorf("reading lunar-go year %d: unexpected element %T", y, e.Value)
			}
			t, err := time.Parse(time.DateOnly, h.GetDay())
			if err != nil {
				return nil, fmt.Errorf("reading lunar-go entry %q: %w", h.String(), err)
			}
			out = append(out, Entry{Date: core.DateOf(t), Name: h.GetName(), Work: h.IsWork()})
		}
	}
	return out, nil
}

// Table is a fixed list of entries: for tests, and for playgrounds whose
// output must not change when lunar-go is upgraded.
type Table []Entry

// Entries returns the table itself.
func (t Table) Entries() ([]Entry, error) { return t, nil }
