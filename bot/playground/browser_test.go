package playground_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/playground"
	"github.com/dingops/dingops/bot/web/browsertest"
)

var screenshots = flag.Bool("screenshots", false, "write the README's playground screenshots to docs/")

// browser starts the test's Chromium, or skips the test without one.
func browser(t *testing.T) context.Context {
	return browsertest.Start(t, "playground browser test", 80*time.Second)
}

// do runs steps, each batch within 20 s so a missing element fails fast.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, steps...))
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	require.NoError(t, err, js)
	return v
}

// shot saves a full-page screenshot to docs/ with -screenshots.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if !*screenshots {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join("..", "..", "docs", name), png, 0o644))
	t.Logf("wrote docs/%s (%d KB)", name, len(png)/1024)
}

const newestWebCard = `Array.from(document.querySelectorAll("article.pg-card")).filter(c => c.querySelector("h4") && c.querySelector("h4").textContent.includes("web")).pop()`

// be switches the page to user id.
func be(t *testing.T, ctx context.Context, id string) {
	do(t, ctx, chromedp.Click(chromedp.ID("as-"+id)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-state-as="`+id+`"] #pg-conn.pg-on`)))
}

// say types text into the page's input and sends it.
func say(t *testing.T, ctx context.Context, text string) {
	do(t, ctx, chromedp.SendKeys(chromedp.ID("pg-input"), text), chromedp.Click(chromedp.ID("pg-send")),
		chromedp.WaitVisible(chromedp.CSS(`.pg-user-msg .dt-bubble`)))
}

// newestRelease is the release id of the newest web card ("" if none).
func newestRelease(t *testing.T, ctx context.Context) string {
	return eval[string](t, ctx, `(`+newestWebCard+` || {dataset: {}}).dataset.release || ""`)
}

// waitStatus waits for the newest web card, a card of a release other than
// `after`, to show status, noting every status it passed through.
func waitStatus(t *testing.T, ctx context.Context, after, status string) []string {
	t.Helper()
	var seen []string
	deadline := time.Now().Add(25 * time.Second)
	for time.Now().Before(deadline) {
		s := eval[string](t, ctx, `((c) => c && c.dataset.release !== `+strconv.Quote(after)+` ? c.dataset.status : "")(`+newestWebCard+`)`)
		if s != "" && (len(seen) == 0 || seen[len(seen)-1] != s) {
			seen = append(seen, s)
		}
		if s == status {
			return seen
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the web card did not reach %s; it showed %v", status, seen)
	return nil
}

// TestPlaygroundInABrowser runs the demo's flow on the page in Chinese,
// and in English after the page's language switch restarted the bot in
// English: then every card and reply of the flow is English.
func TestPlaygroundInABrowser(t *testing.T) {
	t.Run("zh", func(t *testing.T) { browserFlow(t, "zh") })
	t.Run("en", func(t *testing.T) { browserFlow(t, "en") })
}

// noRights is how the user switcher marks dave, per language.
var noRights = map[string]string{"zh": "无权限", "en": "no rights"}

func browserFlow(t *testing.T, lang string) {
	ctx := browser(t)
	r := start(t, "")
	v3 := r.state("alice").Web.Source
	do(t, ctx, chromedp.Navigate(r.p.URL()), chromedp.WaitVisible(chromedp.ID("pg-users")))
	if lang == "en" {
		do(t, ctx, chromedp.Click(chromedp.ID("lang-switch")), chromedp.WaitVisible(chromedp.CSS(`body[data-lang="en"] #pg-users`)))
		require.Equal(t, "en", r.p.Lang(), "the page's switch restarted the bot in English")
	}
	be(t, ctx, "alice")
	assert.Contains(t, eval[string](t, ctx, `document.getElementById("as-dave").textContent`), noRights[lang], "the switcher says who has no rights")

	say(t, ctx, "/rollback web v2")
	waitStatus(t, ctx, "", "pending_approval")
	rollback := newestRelease(t, ctx)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`article.pg-card button[data-action="approve"]`)))

	be(t, ctx, "dave")
	do(t, ctx, chromedp.Click(chromedp.CSS(`article.pg-card button[data-action="approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(`article.pg-card .pg-notice`)))
	notice := eval[string](t, ctx, `document.querySelector("article.pg-card .pg-notice").textContent`)
	assert.Contains(t, notice, "dave", "the refusal names who clicked")
	if lang == "en" {
		noChinese(t, "dave's notice on the page", notice)
		noChinese(t, "the approval card on the page", eval[string](t, ctx, newestWebCard+`.textContent`))
	}
	assert.Equal(t, "pending_approval", eval[string](t, ctx, newestWebCard+`.dataset.status`), "the card is unchanged")
	assert.Equal(t, 2, eval[int](t, ctx, newestWebCard+`.querySelectorAll("button").length`), "the buttons are still there")
	if lang == "zh" {
		shot(t, ctx, "playground-refused.png")
	}

	be(t, ctx, "bob")
	assert.Equal(t, 0, eval[int](t, ctx, `document.querySelectorAll(".pg-notice").length`), "dave's notice is his alone")
	do(t, ctx, chromedp.Click(chromedp.CSS(`article.pg-card button[data-action="approve"]`)))
	waitStatus(t, ctx, "", "succeeded")
	v2 := r.waitFor("bob", "v2 live", func(st playground.State) bool { return st.Web.Source != v3 }).Web.Manifest
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#pg-web .dt-row dd`)))
	waitText(t, ctx, "pg-manifest", v2)

	be(t, ctx, "alice")
	say(t, ctx, "/release web feature/clean")
	seen := waitStatus(t, ctx, rollback, "succeeded")
	assert.Subset(t, seen, []string{"building", "succeeded"}, "the card followed the release: %v", seen)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#pg-builds li[data-result="SUCCESS"]`)))

	say(t, ctx, "/release web feature/conflict")
	waitText(t, ctx, "pg-messages", playground.ConflictFile)
	if lang == "en" {
		for _, m := range r.state("alice").Messages {
			if m.Kind == playground.KindReply || m.Kind == playground.KindRobot {
				noChinese(t, "a reply", m.Text)
			}
		}
		noChinese(t, "the cards on the page", eval[string](t, ctx,
			`Array.from(document.querySelectorAll("article.pg-card")).map(c => c.textContent).join("\n")`))
		return
	}
	shot(t, ctx, "playground.png")
}

// waitText waits for the element's text to contain want.
func waitText(t *testing.T, ctx context.Context, id, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	got := ""
	for time.Now().Before(deadline) {
		got = eval[string](t, ctx, `document.getElementById("`+id+`").textContent`)
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("#%s never showed %q; it shows %q", id, want, got)
}
