package playground_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"

	"github.com/dingops/dingops/bot/playground"
)

// waitJS polls a JavaScript condition on the page (20 s at most).
func waitJS(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if eval[bool](t, ctx, js) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the page never showed %s (%s)", what, js)
}

// TestAlertInTheBrowser: the page's "fire" control posts an Alertmanager
// alert for web; the bot's suggestion card appears in the group; alice
// clicks its roll back button, bob approves the approval card that
// follows, and v2 — the previous artifact — is live on OSS.
func TestAlertInTheBrowser(t *testing.T) {
	ctx := browser(t)
	r := start(t, "")
	v3 := r.state("alice").Web.Source
	do(t, ctx, chromedp.Navigate(r.p.URL()), chromedp.WaitVisible(chromedp.ID("pg-users")))
	be(t, ctx, "alice")
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("alert-fire-web")), chromedp.Click(chromedp.ID("alert-fire-web")),
		chromedp.WaitVisible(chromedp.CSS(`#alert-web[data-firing="true"]`)))
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`article.pg-suggestion[data-app="web"] button[data-action="rollback"]`)))
	assert.Contains(t, eval[string](t, ctx, `document.querySelector("article.pg-suggestion").textContent`), "HighErrorRate")
	shot(t, ctx, "playground-alert.png")

	do(t, ctx, chromedp.Click(chromedp.CSS(`article.pg-suggestion button[data-action="rollback"]`)))
	waitStatus(t, ctx, "", "pending_approval")
	waitJS(t, ctx, "the suggestion's button gone",
		`!document.querySelector('article.pg-suggestion button[data-action="rollback"]')`)
	be(t, ctx, "bob")
	do(t, ctx, chromedp.Click(chromedp.CSS(`article.pg-card:not(.pg-suggestion) button[data-action="approve"]`)))
	waitStatus(t, ctx, "", "succeeded")
	st := r.waitFor("bob", "v2 live", func(st playground.State) bool { return st.Web.Source != v3 })
	waitText(t, ctx, "pg-manifest", st.Web.Manifest)

	do(t, ctx, chromedp.Click(chromedp.ID("alert-resolve-web")),
		chromedp.WaitVisible(chromedp.CSS(`#alert-web[data-firing="false"]`)))
}

// TestArgoCDInTheBrowser: /rollback catalog, approved on the page, rolls
// the Argo CD application back; the Argo CD panel shows the new image.
func TestArgoCDInTheBrowser(t *testing.T) {
	ctx := browser(t)
	r := start(t, "")
	st := r.waitFor("alice", "catalog synced", func(st playground.State) bool { return st.ArgoCD.Done && st.ArgoCD.Sync == "Synced" })
	v3 := st.ArgoCD.Image
	do(t, ctx, chromedp.Navigate(r.p.URL()), chromedp.WaitVisible(chromedp.ID("pg-users")))
	be(t, ctx, "alice")
	waitText(t, ctx, "pg-argocd", v3)
	say(t, ctx, "/rollback catalog")
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`article.pg-card button[data-action="approve"]`)))
	be(t, ctx, "bob")
	do(t, ctx, chromedp.Click(chromedp.CSS(`article.pg-card button[data-action="approve"]`)))
	st = r.waitFor("bob", "v2 on the cluster", func(st playground.State) bool { return st.ArgoCD.Image != v3 && st.ArgoCD.Done })
	waitText(t, ctx, "pg-argocd", st.ArgoCD.Image)
	waitJS(t, ctx, "the card succeeded", `!!document.querySelector('article.pg-card[data-status="succeeded"]')`)
	shot(t, ctx, "playground-argocd.png")
}
