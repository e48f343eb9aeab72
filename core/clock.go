package core

import "time"

// WallClock is the Clock of a running dingops: the system's time. It is the
// one wall clock; every package that defaults a nil Clock uses it, and
// tests inject their own Clock instead.
type WallClock struct{}

// Now implements Clock.
func (WallClock) Now() time.Time { return time.Now() }
