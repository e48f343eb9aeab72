package playground_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

// TestBranchAndOptionInABrowser clicks the suggested /branch and the
// release with an option, and watches the card show the requirement link
// and the option until the release succeeds.
func TestBranchAndOptionInABrowser(t *testing.T) {
	ctx := browser(t)
	r := start(t, "")
	do(t, ctx, chromedp.Navigate(r.p.URL()), chromedp.WaitVisible(chromedp.ID("pg-users")))
	be(t, ctx, "alice")

	chip := func(prefix string) {
		do(t, ctx, chromedp.Click(chromedp.CSS(`button.pg-chip[data-text^="`+prefix+`"]`)), chromedp.Click(chromedp.ID("pg-send")))
	}
	chip("/branch web")
	waitText(t, ctx, "pg-messages", "已为 web 拉出分支 feature/REQ-101")
	// The release chip names feature/clean; release the branch just cut.
	say(t, ctx, "/release web feature/REQ-101 cdn_refresh=false")
	waitStatus(t, ctx, "", "succeeded")
	body := eval[string](t, ctx, newestWebCard+`.textContent`)
	assert.Contains(t, body, "cdn_refresh=false")
	href := eval[string](t, ctx, `(`+newestWebCard+`.querySelector('a[href*="REQ-101"]') || {href: ""}).href`)
	assert.Equal(t, "https://pm.example.com/requirements/REQ-101", href)
	assert.Equal(t, 1, eval[int](t, ctx, `document.querySelectorAll('button.pg-chip[data-text*="cdn_refresh="]').length`),
		"the page suggests a release with an option")
}
