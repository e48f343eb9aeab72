package oss

import (
	"context"
	"net/http"
	"time"

	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/core"
)

// ConfirmConfig says how to confirm that users are served a new manifest.
type ConfirmConfig struct {
	// URLs are public URLs of the fixed key (the CDN domain, optionally a
	// few edge or region URLs), fetched with a plain GET and no
	// cache-busting query, so they see what users see.
	URLs []string
	// Timeout bounds the whole confirmation (default 15m); past it the
	// deploy is "not confirmed", never failed.
	Timeout time.Duration
	// First is the first poll interval (default 2s); it doubles up to Max
	// (default 30s).
	First, Max time.Duration
	// HTTP is the client of the GETs (default: 10 s timeout).
	HTTP *http.Client
}

// Confirmation is how far a deploy has reached users.
type Confirmation struct {
	Switched time.Time // the fixed key was switched
	CDNDone  time.Time // the CDN refresh task completed; zero without CDN or not yet
	Served   time.Time // every URL served the new manifest; zero until then
	TimedOut bool      // the timeout passed first: not confirmed
	Polls    int       // GETs and task queries made
}

// Confirmed reports whether users are served the new manifest.
func (c Confirmation) Confirmed() bool { return !c.Served.IsZero() }

// refreshWatcher is the slice of the CDN client a confirmation uses.
type refreshWatcher interface {
	RefreshDone(ctx context.Context, id string) (bool, error)
}

// Confirmer polls until a deployed manifest reaches users.
type Confirmer struct {
	cfg   ConfirmConfig
	cdn   refreshWatcher // nil without CDN
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) bool
}

// NewConfirmer makes a confirmer; cdn may be nil. now and sleep default to
// the wall clock.
func NewConfirmer(cfg ConfirmConfig, cdn refreshWatcher) *Confirmer {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Minute
	}
	if cfg.First <= 0 {
		cfg.First = 2 * time.Second
	}
	if cfg.Max < cfg.First {
		cfg.Max = max(30*time.Second, cfg.First)
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	return &Confirmer{cfg: cfg, cdn: cdn, now: time.Now, sleep: visible.SleepCtx}
}

// Confirm polls, backing off, until every URL serves want (by the
// x-oss-meta-dingops-source header or the ETag) and the refresh task, if
// any, completed; or until the timeout. progress is called on each change.
func (c *Confirmer) Confirm(ctx context.Context, want core.Artifact, switched time.Time, task string,
	progress func(Confirmation)) Confirmation {
	st := Confirmation{Switched: switched}
	deadline := switched.Add(c.cfg.Timeout)
	served := make([]bool, len(c.cfg.URLs))
	for wait := c.cfg.First; ; wait = min(2*wait, c.cfg.Max) {
		if c.step(ctx, &st, want, task, served) && progress != nil {
			progress(st)
		}
		if st.Confirmed() {
			return st
		}
		if left := deadline.Sub(c.now()); left <= 0 || !c.sleep(ctx, min(wait, left)) {
			st.TimedOut = true
			if progress != nil {
				progress(st)
			}
			return st
		}
	}
}

// step makes one round of queries; it reports whether st changed.
func (c *Confirmer) step(ctx context.Context, st *Confirmation, want core.Artifact, task string, served []bool) bool {
	changed := false
	if task != "" && c.cdn != nil && st.CDNDone.IsZero() {
		st.Polls++
		if done, err := c.cdn.RefreshDone(ctx, task); err == nil && done {
			st.CDNDone, changed = c.now(), true
		}
	}
	all := true
	for i, u := range c.cfg.URLs {
		if !served[i] {
			st.Polls++
			served[i] = c.serves(ctx, u, want)
		}
		all = all && served[i]
	}
	if all && (task == "" || c.cdn == nil || !st.CDNDone.IsZero()) {
		st.Served, changed = c.now(), true
	}
	return changed
}

// serves GETs url as a user would and tells whether it is want.
func (c *Confirmer) serves(ctx context.Context, url string, want core.Artifact) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	if src := resp.Header.Get("X-Oss-Meta-" + metaSource); src != "" {
		return src == want.Ref
	}
	return want.Digest != "" && normalizeETag(resp.Header.Get("ETag")) == normalizeETag(want.Digest)
}
