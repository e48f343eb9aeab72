package dingtalk

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/dingops/dingops/core"
)

// refreshMargin: a token with less than this left is refreshed first, as
// DingTalk's own samples do (expireIn - 300 s).
const refreshMargin = 5 * time.Minute

// fetchFunc gets a new token and how long it lives.
type fetchFunc func(ctx context.Context) (token string, ttl time.Duration, err error)

// tokenCache holds the app's access token. DingTalk throttles the token
// endpoint, so one refresh runs at a time and concurrent callers share it.
type tokenCache struct {
	fetch fetchFunc
	clock core.Clock
	log   *slog.Logger

	mu       sync.Mutex
	token    string
	expires  time.Time
	inflight *refresh
}

// refresh is one fetch in progress; done closes when token/err are set.
type refresh struct {
	done  chan struct{}
	token string
	err   error
}

func newTokenCache(fetch fetchFunc, clock core.Clock, log *slog.Logger) *tokenCache {
	return &tokenCache{fetch: fetch, clock: clock, log: log}
}

// get returns a token valid for at least refreshMargin, fetching one if
// needed; callers arriving during a fetch wait for that fetch.
func (t *tokenCache) get(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err // a refresh must not start for a caller already gone
	}
	t.mu.Lock()
	if t.token != "" && t.clock.Now().Add(refreshMargin).Before(t.expires) {
		tok := t.token
		t.mu.Unlock()
		return tok, nil
	}
	r := t.inflight
	if r == nil {
		r = &refresh{done: make(chan struct{})}
		t.inflight = r
		// The fetch outlives a cancelled first caller: others wait for it,
		// and the SDK's own timeouts bound it.
		go t.run(context.WithoutCancel(ctx), r)
	}
	t.mu.Unlock()
	select {
	case <-r.done:
		return r.token, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (t *tokenCache) run(ctx context.Context, r *refresh) {
	tok, ttl, err := t.fetch(ctx)
	t.mu.Lock()
	if err == nil {
		t.token, t.expires = tok, t.clock.Now().Add(ttl)
		t.log.Info("dingtalk access token refreshed", "expires", t.expires)
	} else {
		t.log.Warn("dingtalk access token refresh failed", "err", err)
	}
	t.inflight = nil
	r.token, r.err = tok, err
	t.mu.Unlock()
	close(r.done)
}

// invalidate drops tok if it is still the cached one, so the next get
// fetches anew; a token already replaced by another caller is kept.
func (t *tokenCache) invalidate(tok string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == tok {
		t.token, t.expires = "", time.Time{}
	}
}
