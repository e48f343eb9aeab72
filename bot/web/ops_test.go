package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/metrics"
	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestReadinessFollowsStoreMigrationsAndStream(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.SQLiteDSN(t), store.Options{Clock: coretest.NewClock(t0)})
	require.NoError(t, err)
	var up atomic.Bool
	ops, err := web.NewOps(web.OpsConfig{Addr: "127.0.0.1:0", DB: s, Stream: web.StreamFunc(up.Load)})
	require.NoError(t, err)
	srv := httptest.NewServer(ops.Handler())
	defer srv.Close()

	code, body := get(t, srv.URL+"/healthz")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ok\n", body)

	code, body = get(t, srv.URL+"/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Regexp(t, `^not ready: \d+ migration\(s\) pending; DingTalk stream not connected\n$`, body)

	require.NoError(t, s.Migrate(ctx))
	code, body = get(t, srv.URL+"/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, "not ready: DingTalk stream not connected\n", body)

	up.Store(true)
	code, body = get(t, srv.URL+"/readyz")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ready\n", body)

	require.NoError(t, s.Close())
	code, body = get(t, srv.URL+"/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Contains(t, body, "not ready: store unreachable: ")
	code, _ = get(t, srv.URL+"/healthz")
	assert.Equal(t, http.StatusOK, code, "liveness does not depend on the store")
}

func TestReadinessOnEveryBackend(t *testing.T) {
	storetest.Each(t, coretest.NewClock(t0), func(t *testing.T, s *store.Store) {
		ops, err := web.NewOps(web.OpsConfig{Addr: "127.0.0.1:0", DB: s})
		require.NoError(t, err)
		srv := httptest.NewServer(ops.Handler())
		defer srv.Close()
		code, body := get(t, srv.URL+"/readyz")
		assert.Equal(t, http.StatusOK, code, body)
		require.NoError(t, s.Close())
		code, body = get(t, srv.URL+"/readyz")
		assert.Equal(t, http.StatusServiceUnavailable, code)
		assert.Contains(t, body, "store unreachable")
	})
}

// TestOpsKeepsAnsweringWhileDraining: after SIGTERM the worker drains for
// up to its timeout; liveness must hold and readiness must say draining.
func TestOpsKeepsAnsweringWhileDraining(t *testing.T) {
	s := storetest.Open(t, storetest.SQLiteDSN(t), coretest.NewClock(t0))
	m := metrics.New(metrics.Config{Version: "test"})
	ops, err := web.NewOps(web.OpsConfig{Addr: "127.0.0.1:0", DB: s, Metrics: m.Handler()})
	require.NoError(t, err)
	require.NoError(t, ops.Listen())
	base := "http://" + ops.Addr()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ops.Run(ctx) }()
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	}, 10*time.Second, 10*time.Millisecond)
	code, body := get(t, base+"/metrics")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `dingops_build_info{version="test"} 1`)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	code, body = get(t, base+"/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, "not ready: draining\n", body)
	code, _ = get(t, base+"/healthz")
	assert.Equal(t, http.StatusOK, code)
	require.NoError(t, ops.Close())
	_, err = http.Get(base + "/healthz")
	assert.Error(t, err)
}

func TestATakenPortFailsAtListen(t *testing.T) {
	s := storetest.Open(t, storetest.SQLiteDSN(t), coretest.NewClock(t0))
	a, err := web.NewOps(web.OpsConfig{Addr: "127.0.0.1:0", DB: s})
	require.NoError(t, err)
	require.NoError(t, a.Listen())
	defer a.Close()
	b, err := web.NewOps(web.OpsConfig{Addr: a.Addr(), DB: s})
	require.NoError(t, err)
	err = b.Listen()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ops: listening on "+a.Addr())
}
