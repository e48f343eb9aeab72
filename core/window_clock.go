package core

import "time"

// winWallTime is the instant on d at which loc's wall clock reads h:m. Go's
// time.Date leaves the choice unspecified around DST changes (for 02:30 on
// 2026-03-08 in America/New_York it returns 01:30 EST, an hour early), so
// the choice is made here: a wall time skipped by a spring-forward jump
// becomes the moment of the jump (03:00 EDT), and a wall time repeated by a
// fall-back becomes its first winOccurrence.
func winWallTime(d Date, h, m int, loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, loc)
	want := time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	start, end := t.ZoneBounds()
	switch {
	case got.Before(want) && !end.IsZero(): // landed before the gap: its end is the jump
		return end
	case got.After(want) && !start.IsZero(): // landed after the gap: its start is the jump
		return start
	case got.Equal(want) && !start.IsZero():
		return winFirstOccurrence(t, start)
	}
	return t
}

// winFirstOccurrence moves t, which lies in a zone period beginning at start,
// to the earlier instant with the same wall clock if the previous zone
// period (with a larger offset: a fall-back) also had one.
func winFirstOccurrence(t, start time.Time) time.Time {
	_, off := t.Zone()
	_, prevOff := start.Add(-time.Second).Zone()
	if prevOff <= off {
		return t
	}
	if c := t.Add(-time.Duration(prevOff-off) * time.Second); c.Before(start) {
		return c
	}
	return t
}
