// Package coretest holds hand-written fakes of the engine's ports for tests:
// a settable clock, a recording deployer and a recording notifier.
package coretest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dingops/dingops/core"
)

// Clock is a settable, concurrency-safe clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now implements core.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Deployer is an in-memory target that records every deploy.
type Deployer struct {
	mu       sync.Mutex
	live     core.Artifact
	known    map[string]bool
	deploys  []core.DeployRequest
	failNext string
	hangNext bool
	landNext bool
	liveErr  error
	reads    int // Live calls
	// Unknown makes Live answer core.ErrLiveUnknown, like a script target
	// without a live command.
	Unknown bool
}

// NewDeployer makes a target on which the given refs exist.
func NewDeployer(refs ...string) *Deployer {
	d := &Deployer{known: map[string]bool{}}
	for _, r := range refs {
		d.known[r] = true
	}
	return d
}

// Add makes refs exist on the target.
func (d *Deployer) Add(refs ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range refs {
		d.known[r] = true
	}
}

// Remove makes refs disappear from the target (deleted after recording).
func (d *Deployer) Remove(refs ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range refs {
		delete(d.known, r)
	}
}

// SetLive sets what the target runs, behind the engine's back.
func (d *Deployer) SetLive(a core.Artifact) {
	d.mu.Lock()
	d.live = a
	d.mu.Unlock()
}

// FailNext makes the next Deploy fail with cause.
func (d *Deployer) FailNext(cause string) {
	d.mu.Lock()
	d.failNext = cause
	d.mu.Unlock()
}

// HangNext makes the next Deploy wait for its context.
func (d *Deployer) HangNext() {
	d.mu.Lock()
	d.hangNext = true
	d.mu.Unlock()
}

// LandNext makes the next Deploy take effect and then report a timeout,
// as a request whose answer was lost.
func (d *Deployer) LandNext() {
	d.mu.Lock()
	d.landNext = true
	d.mu.Unlock()
}

// FailLive makes Live fail with err (nil: answer again), as a target that
// cannot be read.
func (d *Deployer) FailLive(err error) {
	d.mu.Lock()
	d.liveErr = err
	d.mu.Unlock()
}

// LiveReads is how many times Live was called.
func (d *Deployer) LiveReads() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.reads
}

// Deploys lists the deploys made so far.
func (d *Deployer) Deploys() []core.DeployRequest {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]core.DeployRequest(nil), d.deploys...)
}

// Check implements core.Deployer.
func (d *Deployer) Check(_ context.Context, a core.Artifact) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.known[a.Ref] {
		return fmt.Errorf("artifact %s does not exist", a.Ref)
	}
	return nil
}

// Deploy implements core.Deployer.
func (d *Deployer) Deploy(ctx context.Context, req core.DeployRequest) error {
	d.mu.Lock()
	hang, fail, land := d.hangNext, d.failNext, d.landNext
	d.hangNext, d.failNext, d.landNext = false, "", false
	d.deploys = append(d.deploys, req)
	d.mu.Unlock()
	if land {
		d.SetLive(req.Artifact)
		return fmt.Errorf("deploying %s to %s: %w", req.Artifact.Label(), req.App, context.DeadlineExceeded)
	}
	if hang {
		<-ctx.Done()
		return fmt.Errorf("deploying %s to %s: %w", req.Artifact.Label(), req.App, ctx.Err())
	}
	if fail != "" {
		return fmt.Errorf("deploying %s to %s: %s", req.Artifact.Label(), req.App, fail)
	}
	if req.Log != nil {
		fmt.Fprintf(req.Log, "deployed %s\n", req.Artifact.Label())
	}
	d.SetLive(req.Artifact)
	return nil
}

// Live implements core.Deployer.
func (d *Deployer) Live(context.Context) (core.Artifact, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.reads++
	if d.Unknown {
		return core.Artifact{}, core.ErrLiveUnknown
	}
	if d.liveErr != nil {
		return core.Artifact{}, d.liveErr
	}
	if d.live.IsZero() {
		return core.Artifact{}, errors.New("nothing deployed yet")
	}
	return d.live, nil
}

// Notifier records events.
type Notifier struct {
	mu     sync.Mutex
	events []core.Event
	ch     chan core.Event
}

// NewNotifier makes a recorder whose Events channel buffers n events.
func NewNotifier() *Notifier { return &Notifier{ch: make(chan core.Event, 1024)} }

// Notify implements core.Notifier.
func (n *Notifier) Notify(_ context.Context, ev core.Event) {
	n.mu.Lock()
	n.events = append(n.events, ev)
	n.mu.Unlock()
	select {
	case n.ch <- ev:
	default:
	}
}

// Events lists what was reported so far.
func (n *Notifier) Events() []core.Event {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]core.Event(nil), n.events...)
}

// WaitFor waits until a release reaches step, or the timeout passes.
func (n *Notifier) WaitFor(id core.ReleaseID, step core.Step, timeout time.Duration) (core.Event, bool) {
	deadline := time.After(timeout)
	for {
		for _, ev := range n.Events() {
			if ev.Release.ID == id && ev.Step == step {
				return ev, true
			}
		}
		select {
		case <-n.ch:
		case <-deadline:
			return core.Event{}, false
		}
	}
}
