package dingtalk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestConcurrentCallersShareOneRefresh(t *testing.T) {
	var fetches atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context) (string, time.Duration, error) {
		n := fetches.Add(1)
		<-release
		return fmt.Sprintf("tok%d", n), 2 * time.Hour, nil
	}
	tc := newTokenCache(fetch, &clock{now: time.Unix(0, 0)}, discard())
	var wg sync.WaitGroup
	got := make([]string, 10)
	for i := range got {
		wg.Go(func() {
			tok, err := tc.get(context.Background())
			assert.NoError(t, err)
			got[i] = tok
		})
	}
	require.Eventually(t, func() bool { return fetches.Load() == 1 }, 5*time.Second, time.Millisecond)
	close(release)
	wg.Wait()
	assert.EqualValues(t, 1, fetches.Load())
	for _, tok := range got {
		assert.Equal(t, "tok1", tok)
	}
}

func TestRefreshWhenFiveMinutesRemain(t *testing.T) {
	var fetches atomic.Int32
	fetch := func(context.Context) (string, time.Duration, error) {
		return fmt.Sprintf("tok%d", fetches.Add(1)), 2 * time.Hour, nil
	}
	clk := &clock{now: time.Unix(0, 0)}
	tc := newTokenCache(fetch, clk, discard())
	ctx := context.Background()
	tok, err := tc.get(ctx)
	require.NoError(t, err)
	assert.Equal(t, "tok1", tok)
	clk.add(2*time.Hour - 5*time.Minute - time.Second)
	tok, _ = tc.get(ctx)
	assert.Equal(t, "tok1", tok, "more than five minutes left")
	clk.add(2 * time.Second)
	tok, _ = tc.get(ctx)
	assert.Equal(t, "tok2", tok, "less than five minutes left")
	tc.invalidate("tok1")
	tok, _ = tc.get(ctx)
	assert.Equal(t, "tok2", tok, "invalidating an old token keeps the new one")
	tc.invalidate("tok2")
	tok, _ = tc.get(ctx)
	assert.Equal(t, "tok3", tok)
}

func TestFailedRefreshIsNotCached(t *testing.T) {
	var fetches atomic.Int32
	fetch := func(context.Context) (string, time.Duration, error) {
		if fetches.Add(1) == 1 {
			return "", 0, errors.New("boom")
		}
		return "tok", time.Hour, nil
	}
	tc := newTokenCache(fetch, &clock{now: time.Unix(0, 0)}, discard())
	_, err := tc.get(context.Background())
	require.EqualError(t, err, "boom")
	tok, err := tc.get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok", tok)
}

func TestWaiterLeavesWhenItsContextEnds(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	tc := newTokenCache(func(context.Context) (string, time.Duration, error) {
		<-release
		return "tok", time.Hour, nil
	}, &clock{now: time.Unix(0, 0)}, discard())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := tc.get(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	tc.mu.Lock()
	assert.Nil(t, tc.inflight, "no refresh starts for a caller already gone")
	tc.mu.Unlock()

	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err = tc.get(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a waiter leaves when its ctx ends")
}

func TestRunRecoversPanicsAndHonoursContext(t *testing.T) {
	_, err := run(context.Background(), "x.Y", func() (int, error) { panic("nil map") })
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeSDKPanic, apiErr.Code)
	assert.Contains(t, err.Error(), "nil map")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	_, err = run(ctx, "x.Y", func() (int, error) { called = true; return 1, nil })
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, called, "no call starts once ctx is done")

	block := make(chan struct{})
	defer close(block)
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = run(ctx, "x.Y", func() (int, error) { <-block; return 1, nil })
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the caller stops waiting when ctx ends")
}

func TestSecretNeverPrinted(t *testing.T) {
	cfg := Config{ClientID: "id", ClientSecret: "s3cr3t-value"}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), cfg.ClientSecret.String()} {
		assert.NotContains(t, s, "s3cr3t-value")
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("cfg", "secret", cfg.ClientSecret, "cfg", cfg)
	assert.NotContains(t, buf.String(), "s3cr3t-value")
	assert.Equal(t, "s3cr3t-value", cfg.ClientSecret.Reveal())
}

func TestConfigDefaults(t *testing.T) {
	_, err := Config{ClientID: "id"}.withDefaults()
	require.Error(t, err)
	_, err = Config{ClientID: "id", ClientSecret: "s", Endpoint: "http://api.dingtalk.com"}.withDefaults()
	require.Error(t, err, "the endpoint is a bare host:port")

	cfg, err := Config{ClientID: "id", ClientSecret: "s", StreamHost: "http://127.0.0.1:9/", ConnectTimeout: 1500 * time.Millisecond}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, "id", cfg.RobotCode)
	assert.Equal(t, "api.dingtalk.com", cfg.Endpoint)
	assert.Equal(t, "https", cfg.Protocol)
	assert.Equal(t, "http://127.0.0.1:9", cfg.StreamHost)
	oc := cfg.openAPIConfig()
	assert.Equal(t, 2, *oc.ConnectTimeout, "seconds, rounded up")
	assert.Equal(t, 10000, *oc.ReadTimeout, "milliseconds")
	assert.Nil(t, oc.NoProxy)

	cfg, _ = Config{ClientID: "id", ClientSecret: "s", Endpoint: "127.0.0.1:8080", NoProxy: []string{"proxy.local:1"}}.withDefaults()
	assert.Equal(t, "proxy.local:1,127.0.0.1:8080", *cfg.openAPIConfig().NoProxy, "a loopback endpoint is never proxied")
}
