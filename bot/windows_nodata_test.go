package bot

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dingops/dingops/core"
)

// TestWindowsSayWhenTheHolidayDataEnds: with open_without_data a day past
// the holiday data still opens, and /windows says that it has no holiday
// data and when the data ends, instead of showing it as a plain open day.
func TestWindowsSayWhenTheHolidayDataEnds(t *testing.T) {
	b := &Bot{cat: NewCatalog()}
	day := func(d int, kind core.DayKind) core.DayPlan {
		start := time.Date(2027, 1, d, 10, 0, 0, 0, time.UTC)
		return core.DayPlan{Day: core.Day{Date: core.DateOf(start), Kind: kind}, Weekday: start.Weekday(),
			Spans: []core.WindowSpan{{Start: start, End: start.Add(8 * time.Hour)}}}
	}
	plan := []core.DayPlan{day(1, core.DayOrdinary), day(2, core.DayNoData), day(3, core.DayNoData)}
	zh := b.dayPlans("zh", plan)
	assert.Equal(t, "- 01-01 "+b.t("zh", "weekday.5")+"：10:00–18:00\n"+
		"- 01-02 "+b.t("zh", "weekday.6")+"：10:00–18:00 (无节假日数据，按普通日开放)\n"+
		"- 01-03 "+b.t("zh", "weekday.0")+"：10:00–18:00 (无节假日数据，按普通日开放)\n"+
		"节假日数据截至 2027-01-01；之后的日子没有节假日数据，按普通日处理（open_without_data）。", zh)
	en := b.dayPlans("en", plan)
	assert.Contains(t, en, "10:00–18:00 (no holiday data: open as a plain day)")
	assert.Contains(t, en, "The holiday data ends 2027-01-01;")
	assert.NotContains(t, b.dayPlans("en", plan[:1]), "holiday data", "nothing when the data covers the week")
}
