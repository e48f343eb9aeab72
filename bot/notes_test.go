package bot

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dingops/dingops/core"
)

// TestEngineNotesInTheReadersLanguage: the fixed notes the engine stores
// in English are worded from the catalogue; an outside system's message
// stays as it came, after the words of the step that failed.
func TestEngineNotesInTheReadersLanguage(t *testing.T) {
	b := newFixture(t).bot
	locked := core.Refuse(core.CodeLocked, "app", "web", "kind", core.LockAfterRollback, "holder", "alice",
		"since", "2026-11-26T03:04:05Z", "reason", core.RollbackLockReason(2))
	cases := []struct{ name, note, zh, en string }{
		{"cancelled", core.CancelNote("alice"), "操作人 alice", "by alice"},
		{"expired", core.ExpiryNote, "审批超时，无人处理", "nobody decided in time"},
		{"deploy", core.FailNote(core.FailDeploy, "OSS answered 503\nmore"), "部署出错：OSS answered 503", "deploy failed: OSS answered 503"},
		{"build", core.FailNote(core.FailBuild, "FAILURE"), "构建未成功（FAILURE）", "build FAILURE"},
		{"build start", core.FailNote(core.FailBuildStart, "jenkins: 401"), "无法启动构建：jenkins: 401", "starting the build failed: jenkins: 401"},
		{"build wait", core.FailNote(core.FailBuildWait, "EOF"), "等待构建结果时出错：EOF", "waiting for the build failed: EOF"},
		{"precheck", core.FailNote(core.FailPrecheck, "git: exit 128"), "开始执行时无法复查：git: exit 128", "the pre-checks could not run when work started: git: exit 128"},
		{"refusal, times in the zone", locked.Encode(),
			"web 被 alice 于 11-26 11:04 CST 回滚后发布锁定：回滚到 v2。/unlock web 解锁。",
			"web has a release freeze after a rollback by alice since 11-26 11:04 CST: rollback to v2. /unlock web lifts it."},
		{"someone else's words", "build 12 of shop/web: no artifact file", "build 12 of shop/web: no artifact file", "build 12 of shop/web: no artifact file"},
	}
	for _, c := range cases {
		r := core.Release{Error: c.note}
		assert.Equal(t, c.zh, b.ReleaseNote("zh", r), c.name)
		assert.Equal(t, c.en, b.ReleaseNote("en", r), c.name)
	}
	assert.Equal(t, "回滚到 v2", b.LockReason("zh", core.RollbackLockReason(2)))
	assert.Equal(t, "rollback to v2", b.LockReason("en", core.RollbackLockReason(2)))
	assert.Equal(t, "发布前冻结", b.LockReason("en", "发布前冻结"), "a person's reason stays as written")

	ev := core.AuditEvent{Kind: core.AuditRefusal, Detail: core.Refuse(core.CodeActiveExists, "app", "web", "release", "#12 · web v4",
		"status", core.StatusPendingApproval, "requester", "alice").Encode()}
	assert.Equal(t, "web 已有进行中的 #12 · web v4（待审批，申请人 alice），请先处理或 /cancel 它。", b.AuditDetail("zh", ev))
	assert.NotContains(t, b.AuditDetail("en", ev), "active_exists")
	assert.Equal(t, "v3 artifact=x by=ci", b.AuditDetail("zh", core.AuditEvent{Kind: core.AuditRecord, Detail: "v3 artifact=x by=ci"}),
		"an operator's log line stays as stored")
}

// han is a Chinese character.
var han = regexp.MustCompile(`\p{Han}`)

// identifiers are what a Chinese sentence may hold in Latin letters:
// placeholders, commands and flags, code, and names of things (products,
// configuration keys, the example app).
var identifiers = regexp.MustCompile(`\{[a-z_]+\}|/[a-z]+|--[a-z]+|` + "`[^`]*`" +
	`|\b(CDN|ID|Jenkins|dingops|git|check-ref-format|key|value|local\.allow_approvals|on_alert|auto|repo|vN|v\d+|web|all|lock|ref|record|serve|alert|Pod|open_without_data|UTF|chat)\b`)

// TestCatalogueSpeaksOneLanguage: no English sentence has Chinese in it,
// and no Chinese sentence has English words other than identifiers.
func TestCatalogueSpeaksOneLanguage(t *testing.T) {
	c := NewCatalog()
	for _, k := range c.Keys("en") {
		assert.False(t, han.MatchString(c.Raw("en", k)), "en %s has Chinese: %s", k, c.Raw("en", k))
	}
	word := regexp.MustCompile(`[A-Za-z]{2,}`)
	for _, k := range c.Keys("zh") {
		rest := identifiers.ReplaceAllString(c.Raw("zh", k), "")
		assert.Empty(t, word.FindAllString(strings.ReplaceAll(rest, ".lock", ""), -1), "zh %s has English: %s", k, c.Raw("zh", k))
	}
}
