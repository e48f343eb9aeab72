package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/web"
)

func playgroundPage() web.PlaygroundPage {
	return web.PlaygroundPage{Group: "商城发布群", API: "/playground/api/", Events: "/playground/api/events",
		Users: []web.PlaygroundUser{{ID: "alice", Name: "李雷", NameEN: "Li Lei", Role: "requester", Teams: []string{"frontend"}},
			{ID: "dave", Name: "王五", NameEN: "Wang Wu", Role: "none"}}}
}

// pageConfig is the JSON the page hands its script.
func pageConfig(t *testing.T, body string) map[string]any {
	m := regexp.MustCompile(`(?s)<script type="application/json" id="pg-config">(.*?)</script>`).FindStringSubmatch(body)
	require.NotNil(t, m, "the page carries its configuration")
	var cfg map[string]any
	require.NoError(t, json.Unmarshal([]byte(m[1]), &cfg), m[1])
	return cfg
}

func TestPlaygroundPage(t *testing.T) {
	f := newFixture(t)
	f.srv.Handle("GET /playground", f.srv.Playground(playgroundPage()))

	code, body := f.get("/playground")
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `<html lang="zh-CN">`)
	assert.Contains(t, body, "体验场 · 商城发布群")
	assert.Contains(t, body, `id="as-alice"`)
	assert.Contains(t, body, "无权限", "the switcher says who has no rights")
	assert.Contains(t, body, `src="/static/playground.js"`)
	assert.NotContains(t, body, "https://", "nothing is loaded from elsewhere")
	cfg := pageConfig(t, body)
	assert.Equal(t, "/playground/api", cfg["api"], "the API base has no trailing slash")
	assert.Equal(t, "/playground/api/events", cfg["events"])
	assert.Equal(t, "zh", cfg["lang"])
	assert.Len(t, cfg["users"], 2)
	assert.Equal(t, "发送", cfg["text"].(map[string]any)["send"])

	code, body = f.get("/playground?lang=en")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `<html lang="en">`)
	assert.Contains(t, html.UnescapeString(body), "Li Lei")
	assert.Contains(t, body, "no rights")
	assert.Equal(t, "Send", pageConfig(t, body)["text"].(map[string]any)["send"])
}

func TestPlaygroundPageNeedsSignIn(t *testing.T) {
	f := newFixture(t)
	f.srv.Handle("GET /playground", f.srv.Playground(playgroundPage()))
	code, hdr, _ := f.call(http.MethodGet, "/playground", "")
	assert.Equal(t, http.StatusSeeOther, code, "behind the dashboard's authentication")
	assert.Contains(t, hdr.Get("Location"), "/login")
}

func TestPlaygroundAssets(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/static/playground.js", "/static/playground.css"} {
		code, hdr, body := f.call(http.MethodGet, p, "")
		assert.Equal(t, http.StatusOK, code, p)
		assert.NotEmpty(t, body, p)
		assert.NotContains(t, body, "http://", "%s fetches nothing from elsewhere", p)
		assert.NotContains(t, body, "https://", "%s fetches nothing from elsewhere", p)
		assert.NotEmpty(t, hdr.Get("Content-Type"), p)
	}
}
