package alerts

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/dingops/dingops/core"
)

// Probe is one app's health check, polled while a release of it is
// watched (watch.health in the configuration).
type Probe struct {
	App      string
	URL      string
	Expect   int           // the healthy status; default 200
	Interval time.Duration // default 10s
	Timeout  time.Duration // default 5s
	Failures int           // failed polls in a row that make an alert; default 3
	Watch    time.Duration // how long after going live the app is polled
}

// LiveReader says which release is live; *store.Store implements it.
type LiveReader interface {
	Live(ctx context.Context, app string) (core.Release, error)
}

// Receiver takes the alerts a probe makes; *Service implements it.
type Receiver interface {
	Receive(ctx context.Context, alerts []core.Alert) ([]core.AlertResult, error)
}

// Prober polls each probe during its app's watch and turns Failures
// failed polls in a row into a firing alert (source "health"), and the
// first good poll after that into its resolve. It is a serve service.
type Prober struct {
	probes []Probe
	live   LiveReader
	out    Receiver
	client *http.Client
	clock  core.Clock
	log    *slog.Logger
}

// NewProber builds a prober; clock drives the watch, real time the polls.
func NewProber(probes []Probe, live LiveReader, out Receiver, clock core.Clock, log *slog.Logger) *Prober {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for i := range probes {
		p := &probes[i]
		p.Expect, p.Failures = orInt(p.Expect, 200), orInt(p.Failures, 3)
		p.Interval, p.Timeout = orDur(p.Interval, 10*time.Second), orDur(p.Timeout, 5*time.Second)
	}
	return &Prober{probes: probes, live: live, out: out, client: &http.Client{}, clock: clock,
		log: log.With("service", "health-probe")}
}

// Name is the service name.
func (p *Prober) Name() string { return "health-probe" }

// Run polls every probe until ctx ends.
func (p *Prober) Run(ctx context.Context) error {
	done := make(chan struct{}, len(p.probes))
	for _, pr := range p.probes {
		go func() { p.watch(ctx, pr); done <- struct{}{} }()
	}
	for range p.probes {
		<-done
	}
	return nil
}

// probeState is one probe's run of failures and the alert it fired.
type probeState struct {
	fails   int
	since   time.Time // the first failure of the run
	release core.ReleaseID
	firing  *core.Alert
}

func (p *Prober) watch(ctx context.Context, pr Probe) {
	tick := time.NewTicker(pr.Interval)
	defer tick.Stop()
	var st probeState
	for {
		p.poll(ctx, pr, &st)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// poll runs one poll of pr if a release of its app is in its watch.
func (p *Prober) poll(ctx context.Context, pr Probe, st *probeState) {
	live, err := p.live.Live(ctx, pr.App)
	if err != nil {
		return
	}
	now := p.clock.Now()
	went := live.FinishedAt
	if went.IsZero() {
		went = live.CreatedAt
	}
	if live.ID != st.release {
		*st = probeState{release: live.ID}
	}
	if now.After(went.Add(pr.Watch)) && st.firing == nil {
		return
	}
	why := p.check(ctx, pr)
	switch {
	case why == "" && st.firing != nil:
		a := *st.firing
		a.Status, a.EndsAt = core.AlertResolved, now
		p.send(ctx, a)
		*st = probeState{release: live.ID}
	case why == "":
		st.fails = 0
	default:
		p.failed(ctx, pr, st, live, now, why)
	}
}

func (p *Prober) failed(ctx context.Context, pr Probe, st *probeState, live core.Release, now time.Time, why string) {
	if st.fails == 0 {
		st.since = now
	}
	st.fails++
	p.log.InfoContext(ctx, "health probe failed", "app", pr.App, "url", pr.URL, "in_a_row", st.fails, "why", why)
	if st.fails < pr.Failures || st.firing != nil {
		return
	}
	a := core.Alert{Source: "health", ID: pr.App + "-" + strconv.FormatInt(int64(live.ID), 10), App: pr.App,
		Title: fmt.Sprintf("health check failed %d times in a row: %s", st.fails, why), Severity: "critical",
		Status: core.AlertFiring, URL: pr.URL, StartsAt: st.since}
	st.firing = &a
	p.send(ctx, a)
}

func (p *Prober) send(ctx context.Context, a core.Alert) {
	if _, err := p.out.Receive(ctx, []core.Alert{a}); err != nil {
		p.log.ErrorContext(ctx, "handling a health alert", "app", a.App, "err", err)
	}
}

// check polls once: "" when healthy, else why not.
func (p *Prober) check(ctx context.Context, pr Probe) string {
	ctx, cancel := context.WithTimeout(ctx, pr.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pr.URL, nil)
	if err != nil {
		return err.Error()
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return "no answer"
	}
	_ = resp.Body.Close()
	if resp.StatusCode != pr.Expect {
		return fmt.Sprintf("status %d, want %d", resp.StatusCode, pr.Expect)
	}
	return ""
}

func orInt(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

func orDur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
