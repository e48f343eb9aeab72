package core

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestWinWallTime(t *testing.T) {
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	cases := []struct {
		name    string
		zone    string
		d       Date
		h, m    int
		wantUTC string
	}{
		{"plain", "Asia/Shanghai", Date{2026, 2, 14}, 10, 0, "2026-02-14T02:00:00Z"},
		{"new york gap opens at the jump", "America/New_York", Date{2026, 3, 8}, 2, 30, "2026-03-08T07:00:00Z"},
		{"new york repeat takes the first", "America/New_York", Date{2026, 11, 1}, 1, 30, "2026-11-01T05:30:00Z"},
		{"new york after the repeat", "America/New_York", Date{2026, 11, 1}, 2, 0, "2026-11-01T07:00:00Z"},
		{"santiago has no midnight", "America/Santiago", Date{2026, 9, 6}, 0, 0, "2026-09-06T04:00:00Z"},
		{"lord howe half-hour gap", "Australia/Lord_Howe", Date{2026, 10, 4}, 2, 15, "2026-10-03T15:30:00Z"},
		{"lord howe half-hour repeat", "Australia/Lord_Howe", Date{2026, 4, 5}, 1, 45, "2026-04-04T14:45:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := winWallTime(c.d, c.h, c.m, zone(c.zone))
			assert.Equal(t, c.wantUTC, got.UTC().Format(time.RFC3339))
			assert.Equal(t, c.zone, got.Location().String())
		})
	}
}
