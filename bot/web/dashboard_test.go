package web_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func TestThePagesShowTheState(t *testing.T) {
	f := newFixture(t)
	f.seed()
	_, err := f.eng.Lock(f.ctx, core.Actor{StaffID: "bob"}, "api", "数据库迁移")
	require.NoError(t, err)

	code, body := f.get("/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `id="app-web"`)
	assert.Contains(t, body, "v4 · web/manifest.1.json", "web runs v1's artifact as v4")
	assert.Contains(t, body, "回滚后发布锁定", "web is frozen after the rollback")
	assert.Contains(t, body, "还没有记录的发布", "api has no history")
	assert.Contains(t, body, "数据库迁移")

	code, body = f.get("/apps/web")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "#4 · web v4 · 回滚 · 回滚到 v1")
	assert.Contains(t, body, "bob 同意")
	assert.Contains(t, body, "已被 #4 回滚")
	assert.Contains(t, body, "外部发布（CI/CD 记录）")

	code, body = f.get("/locks?lang=en")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "Current locks")
	assert.Contains(t, body, `data-app="api" data-kind="manual"`)
	assert.Contains(t, body, `data-app="web" data-kind="after_rollback"`)

	code, body = f.get("/windows")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "10:00–18:00")
	assert.Contains(t, body, "封版期（年终封版）")
	assert.Contains(t, body, "除日历封版期外随时可以发布：api")

	code, body = f.get("/apps/shop")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, body, "没有叫 shop 的应用")
}

func TestTheAuditPageFilters(t *testing.T) {
	f := newFixture(t)
	f.seed()
	code, body := f.get("/audit")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `data-kind="record"`)
	assert.Contains(t, body, `data-kind="approve"`)

	code, body = f.get("/audit?kind=approve&lang=en")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `data-kind="approve"`)
	assert.NotContains(t, body, `data-kind="record"`)
	assert.Contains(t, body, "events, newest first")

	code, body = f.get("/audit?actor=nobody")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "没有符合条件的审计事件")

	code, body = f.get("/audit?from=2026-11-27&to=2026-11-30")
	require.Equal(t, http.StatusOK, code)
	assert.NotContains(t, body, `<tr data-kind`, "nothing happened after the 26th")

	for _, q := range []string{"from=26-11-2026", "to=tomorrow", "from=2026-11-27&to=2026-11-26", "kind=nonsense"} {
		code, _ = f.get("/audit?" + q)
		assert.Equal(t, http.StatusBadRequest, code, q)
	}
}

// TestTheHistoryPageShowsTheRejectReason: a rejection's comment is beside
// the rejecter's name.
func TestTheHistoryPageShowsTheRejectReason(t *testing.T) {
	f := newFixture(t)
	f.seed()
	p, err := f.eng.RequestRollback(f.ctx, core.RollbackRequest{Actor: core.Actor{StaffID: "alice", Origin: core.OriginText},
		App: "web", Version: 2})
	require.NoError(t, err)
	_, err = f.eng.Reject(f.ctx, core.Actor{StaffID: "bob", Origin: core.OriginText}, p.Release.ID, "先别回，看看日志")
	require.NoError(t, err)

	_, body := f.get("/apps/web")
	assert.Contains(t, body, "bob 拒绝：先别回，看看日志")
	_, body = f.get("/apps/web?lang=en")
	assert.Contains(t, body, "bob rejected: 先别回，看看日志")
}

// TestThePagesSpeakTheReadersLanguage: the engine's own notes (the lock a
// rollback leaves, a refusal in the audit log) are worded in the reader's
// language, and times are in the configured zone.
func TestThePagesSpeakTheReadersLanguage(t *testing.T) {
	f := newFixture(t)
	f.seed()
	_, err := f.eng.Lock(f.ctx, core.Actor{StaffID: "bob"}, "api", "数据库迁移")
	require.NoError(t, err)
	_, err = f.eng.Lock(f.ctx, core.Actor{StaffID: "carol"}, "api", "again")
	require.Error(t, err, "carol may not lock api: refused, and the refusal audited")

	_, body := f.get("/locks")
	assert.Contains(t, body, "回滚到 v1")
	assert.NotContains(t, body, "rollback to v1")
	_, body = f.get("/locks?lang=en")
	assert.Contains(t, body, "rollback to v1")

	code, body := f.get("/audit?kind=refusal")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "你（carol）不在 api 的发布或审批团队")
	assert.NotContains(t, body, "refused")
	assert.Contains(t, body, "CST")
	assert.NotContains(t, body, "UTC")
	_, body = f.get("/audit?kind=refusal&lang=en")
	assert.Contains(t, body, "You (carol) are not in api&#39;s release or approver teams")
	assert.NotContains(t, body, "refused")
}
