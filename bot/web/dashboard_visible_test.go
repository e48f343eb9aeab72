package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestTheOverviewShowsTheConfirmation: the app card carries how far the
// live release reached users, as the release card words it, read from the
// store (so it survives a restart).
func TestTheOverviewShowsTheConfirmation(t *testing.T) {
	f := newFixture(t)
	f.seed()
	live, err := f.store.Live(f.ctx, "web")
	require.NoError(t, err)
	at := time.Date(2026, 11, 26, 2, 2, 3, 0, time.UTC)
	require.NoError(t, f.store.SaveVisibility(f.ctx, live, "w1", core.Visibility{Switched: at,
		Steps: []core.VisibleStep{{Name: "cdn", At: at.Add(5*time.Minute + 38*time.Second)}}}))
	_, body := f.get("/")
	assert.Contains(t, body, "用户可见")
	assert.Contains(t, body, "切换于 10:02:03 · CDN 刷新完成于 10:07:41 · 确认中…")

	require.NoError(t, f.store.SaveVisibility(f.ctx, live, "w1", core.Visibility{Switched: at, Served: at.Add(41 * time.Second)}))
	code, body := f.get("/?lang=en")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "users served v4 since 10:02:44 (T&#43;41s)")
}
