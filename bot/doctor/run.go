package doctor

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Run runs every check at once, each under its own timeout, and returns
// the results in the order of checks. A check that outlives its timeout is
// a ✗ saying so; a check that panics is a ✗ too, never a crash.
func Run(ctx context.Context, checks []Check, timeout time.Duration) []Result {
	out := make([]Result, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := runOne(ctx, c, timeout)
			out[i] = Result{Integration: c.Integration, Name: c.Name, Tried: c.Tried, Status: o.Status,
				Detail: OneLine(o.Detail), Fix: OneLine(o.Fix)}
		}()
	}
	wg.Wait()
	return out
}

// runOne gives the check timeout; a check that does not return when its
// context ends is abandoned (its goroutine finishes on its own).
func runOne(ctx context.Context, c Check, timeout time.Duration) Outcome {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan Outcome, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- Failed(fmt.Sprintf("the check crashed: %v", r), "report this as a dingops bug")
			}
		}()
		done <- c.Run(ctx)
	}()
	select {
	case o := <-done:
		if ctx.Err() == context.DeadlineExceeded && o.Status != OK {
			return timedOut(timeout)
		}
		return o
	case <-ctx.Done():
		return timedOut(timeout)
	}
}

func timedOut(timeout time.Duration) Outcome {
	return Failed(fmt.Sprintf("no answer within %s", timeout),
		"check the address and that this host can reach it (firewall, proxy, DNS); or raise --timeout")
}

// Failures counts the ✗ results.
func Failures(rs []Result) int { return count(rs, Fail) }

// Warnings counts the ! results.
func Warnings(rs []Result) int { return count(rs, Warn) }

func count(rs []Result, s Status) int {
	n := 0
	for _, r := range rs {
		if r.Status == s {
			n++
		}
	}
	return n
}

// ExitCode is 0 when nothing failed, 1 otherwise (warnings do not fail).
func ExitCode(rs []Result) int {
	if Failures(rs) > 0 {
		return 1
	}
	return 0
}
