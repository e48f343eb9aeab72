package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/web/browsertest"
	"github.com/dingops/dingops/core"
)

// browser starts the test's Chromium, or skips the test without one.
func browser(t *testing.T) context.Context {
	return browsertest.Start(t, "dashboard browser test", 90*time.Second)
}

// shot saves a screenshot when DINGOPS_WEB_SCREENSHOTS names a directory,
// for looking at the pages; the test does not need it.
func shot(name string) chromedp.Action[chromedp.Void] {
	dir := os.Getenv("DINGOPS_WEB_SCREENSHOTS")
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if dir == "" {
			return chromedp.Void{}, nil
		}
		png, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		return chromedp.Void{}, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
}

// rows reads an attribute of every row of a table.
func rows(t *testing.T, ctx context.Context, table, attr string) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll(%q)).map(r => r.getAttribute(%q))`, table+" tbody tr", attr)))
	require.NoError(t, err)
	return out
}

func text(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
	require.NoError(t, err)
	return s
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	return s
}

// do runs steps, each batch within 20 s so a missing element fails fast.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, steps...))
}

type (
	id  = chromedp.ID
	css = chromedp.CSS
)

func TestTheDashboardInABrowser(t *testing.T) {
	f := newFixture(t)
	ctx := browser(t)
	f.seed()
	_, err := f.eng.Lock(f.ctx, core.Actor{StaffID: "bob"}, "api", "数据库迁移")
	require.NoError(t, err)
	base := f.http.URL

	// Signing in: the audit page sends a browser without a session to the
	// login, which comes back to it.
	do(t, ctx, chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(id("token")), shot("login"),
		chromedp.SendKeys(id("token"), "wrong"), chromedp.Click(id("login-submit")), chromedp.WaitVisible(id("login-wrong")),
		chromedp.SendKeys(id("token"), token), chromedp.Click(id("login-submit")), chromedp.WaitVisible(id("audit")))
	assert.True(t, strings.HasSuffix(location(t, ctx), "/audit"))

	t.Run("overview", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(id("app-web")), shot("overview"))
		web := text(t, ctx, "app-web")
		assert.Contains(t, web, "v4 · web/manifest.1.json")
		assert.Contains(t, web, "回滚后发布锁定")
		api := text(t, ctx, "app-api")
		assert.Contains(t, api, "还没有记录的发布")
		assert.Contains(t, api, "数据库迁移")
	})
	t.Run("history", func(t *testing.T) {
		do(t, ctx, chromedp.Click(css("#app-web .dt-card-title a")), chromedp.WaitVisible(id("timeline")),
			shot("history"))
		tl := text(t, ctx, "timeline")
		assert.Contains(t, tl, "#4 · web v4 · 回滚 · 回滚到 v1")
		assert.Contains(t, tl, "bob 同意")
		assert.Contains(t, tl, "已被 #4 回滚")
	})
	t.Run("audit filters", func(t *testing.T) { auditFilters(t, ctx, base) })
	t.Run("locks", func(t *testing.T) {
		do(t, ctx, chromedp.Click(id("nav-locks")), chromedp.WaitVisible(id("locks")), shot("locks"))
		assert.ElementsMatch(t, []string{"api", "web"}, rows(t, ctx, "#locks", "data-app"))
	})
	t.Run("windows", func(t *testing.T) {
		do(t, ctx, chromedp.Click(id("nav-windows")), chromedp.WaitVisible(id("closures")), shot("windows"))
		page := text(t, ctx, "content")
		assert.Contains(t, page, "10:00–18:00")
		assert.Contains(t, page, "封版期（年终封版）")
		assert.Contains(t, page, "除日历封版期外随时可以发布：api")
	})
	t.Run("english", func(t *testing.T) {
		do(t, ctx, chromedp.Click(id("lang-switch")),
			chromedp.WaitVisible(`//h1[text()="Release windows and holidays"]`), chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(id("app-web")), shot("overview-en"))
		web := text(t, ctx, "app-web")
		assert.Contains(t, web, "Live since", "the language stays for the next page")
		assert.Contains(t, web, "release freeze after a rollback")
	})
	t.Run("sign out", func(t *testing.T) {
		do(t, ctx, chromedp.Click(id("logout")), chromedp.WaitVisible(id("token")),
			chromedp.Navigate(base+"/locks"), chromedp.WaitVisible(id("token")))
	})
}

// auditFilters drives each filter of the audit page the way a person does.
func auditFilters(t *testing.T, ctx context.Context, base string) {
	// App: choosing one submits the form by itself (dingops.js; SetValue
	// fires the change event a person's choice does).
	do(t, ctx, chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(id("audit")),
		chromedp.SetValue(id("f-app"), "api"), chromedp.WaitReady(`//option[@value="api" and @selected]`))
	assert.Contains(t, location(t, ctx), "app=api")
	got := rows(t, ctx, "#audit", "data-app")
	require.NotEmpty(t, got)
	for _, a := range got {
		assert.Equal(t, "api", a)
	}
	// Actor: typed, then applied.
	do(t, ctx, chromedp.Click(id("f-reset")), chromedp.WaitVisible(id("audit")),
		chromedp.SendKeys(id("f-actor"), "bob"), chromedp.Click(id("f-apply")),
		chromedp.WaitReady(`//input[@id="f-actor" and @value="bob"]`))
	got = rows(t, ctx, "#audit", "data-actor")
	require.NotEmpty(t, got)
	for _, a := range got {
		assert.Equal(t, "bob", a)
	}
	// Kind: a select too, so it submits by itself.
	do(t, ctx, chromedp.Click(id("f-reset")), chromedp.WaitVisible(id("audit")),
		chromedp.SetValue(id("f-kind"), "record"), chromedp.WaitReady(`//option[@value="record" and @selected]`), shot("audit-kind"))
	assert.Equal(t, []string{"record", "record", "record"}, rows(t, ctx, "#audit", "data-kind"))
	// Dates: a range after everything happened is empty; the day itself is not.
	do(t, ctx, chromedp.Click(id("f-reset")), chromedp.WaitVisible(id("audit")),
		chromedp.SetValue(id("f-from"), "2026-11-27"), chromedp.SetValue(id("f-to"), "2026-11-30"),
		chromedp.Click(id("f-apply")), chromedp.WaitVisible(css(".dt-empty")))
	empty, err := chromedp.Run(ctx, chromedp.Text(css(".dt-empty")))
	require.NoError(t, err)
	assert.Contains(t, empty, "没有符合条件的审计事件")
	do(t, ctx, chromedp.SetValue(id("f-from"), "2026-11-26"), chromedp.SetValue(id("f-to"), "2026-11-26"),
		chromedp.Click(id("f-apply")), chromedp.WaitVisible(id("audit")), shot("audit"))
	assert.NotEmpty(t, rows(t, ctx, "#audit", "data-kind"))
}
