package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/core"
)

type recordAnswer struct {
	Created bool `json:"created"`
	Release struct {
		ID        int64  `json:"id"`
		App       string `json:"app"`
		Version   int    `json:"version"`
		Status    string `json:"status"`
		Requester string `json:"requester"`
		Commit    string `json:"commit"`
		Artifact  struct {
			Ref, Digest, Display string
		} `json:"artifact"`
	} `json:"release"`
}

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal([]byte(body), &v), body)
	return v
}

func TestRecordedReleasesAreWhatRollbackUses(t *testing.T) {
	f := newFixture(t)
	f.deps["web"].Add("web/manifest.a1.json", "web/manifest.b2.json")
	code, body := f.post(`{"app":"web","artifact":"web/manifest.a1.json","display":"1.0.0","commit":"aaa111","by":"alice"}`)
	require.Equal(t, http.StatusCreated, code, body)
	a := decode[recordAnswer](t, body)
	assert.True(t, a.Created)
	assert.Equal(t, 1, a.Release.Version)
	assert.Equal(t, "succeeded", a.Release.Status)
	assert.Equal(t, "alice", a.Release.Requester)
	assert.Equal(t, "1.0.0", a.Release.Artifact.Display)
	code, body = f.post(`{"app":"web","artifact":"web/manifest.b2.json"}`)
	require.Equal(t, http.StatusCreated, code, body)
	assert.Equal(t, "api", decode[recordAnswer](t, body).Release.Requester, "the caller released it when by is not given")
	f.deps["web"].SetLive(core.Artifact{Ref: "web/manifest.b2.json"})

	p, err := f.eng.RequestRollback(f.ctx, core.RollbackRequest{Actor: core.Actor{StaffID: "alice"}, App: "web", Reason: "broken"})
	require.NoError(t, err)
	assert.Equal(t, 1, p.Release.RollbackOf, "the default target is the recorded v1")
	assert.Equal(t, "web/manifest.a1.json", p.Release.Artifact.Ref)

	code, body = f.get("/api/v1/apps/web/releases?limit=10")
	require.Equal(t, http.StatusOK, code, body)
	h := decode[struct {
		App      string `json:"app"`
		Releases []struct {
			Version    int    `json:"version"`
			Kind       string `json:"kind"`
			RollbackOf int    `json:"rollback_of"`
			Status     string `json:"status"`
		} `json:"releases"`
	}](t, body)
	require.Len(t, h.Releases, 3)
	assert.Equal(t, "rollback", h.Releases[0].Kind, "newest first")
	assert.Equal(t, 1, h.Releases[0].RollbackOf)
	assert.Equal(t, "pending_approval", h.Releases[0].Status)

	audit, err := f.store.Audit(f.ctx, core.AuditFilter{App: "web", Kind: core.AuditRecord})
	require.NoError(t, err)
	require.Len(t, audit, 2)
	assert.Equal(t, core.OriginAPI, audit[0].Origin)
	assert.Equal(t, "api", audit[0].Actor)
}

func TestRecordingIsIdempotentByKey(t *testing.T) {
	f := newFixture(t)
	f.deps["web"].Add("web/m.1.json", "web/m.2.json")
	code, first := f.post(`{"app":"web","artifact":"web/m.1.json","key":"build-77"}`)
	require.Equal(t, http.StatusCreated, code, first)
	code, again := f.post(`{"app":"web","artifact":"web/m.1.json","key":"build-77"}`)
	require.Equal(t, http.StatusOK, code, again)
	assert.False(t, decode[recordAnswer](t, again).Created)
	assert.Equal(t, decode[recordAnswer](t, first).Release.ID, decode[recordAnswer](t, again).Release.ID)

	code, body := f.post(`{"app":"web","artifact":"web/m.1.json"}`, "Idempotency-Key", "build-77")
	assert.Equal(t, http.StatusOK, code, "the header is the same key as the field: %s", body)

	code, body = f.post(`{"app":"web","artifact":"web/m.2.json"}`, "Idempotency-Key", "build-77")
	assert.Equal(t, http.StatusConflict, code, body)
	assert.Contains(t, body, "already used for #1 · web v1")

	code, body = f.post(`{"app":"web","artifact":"web/m.2.json","key":"a"}`, "Idempotency-Key", "b")
	assert.Equal(t, http.StatusBadRequest, code, body)

	rs, err := f.eng.History(f.ctx, "web", 10)
	require.NoError(t, err)
	assert.Len(t, rs, 1, "one release for one key, however often it is sent")
}

func TestEveryBadRecordIsAOneLineJSON4xx(t *testing.T) {
	f := newFixture(t)
	f.deps["web"].Add("web/m.1.json")
	big := `{"app":"web","artifact":"` + strings.Repeat("x", 70<<10) + `"}`
	cases := []struct {
		name, body, ctype string
		status            int
		says              string
	}{
		{"unknown field", `{"app":"web","artifact":"web/m.1.json","version":3}`, "", 400, `unknown field \"version\"`},
		{"no app", `{"artifact":"web/m.1.json"}`, "", 400, "app is required"},
		{"blank app", `{"app":"  ","artifact":"web/m.1.json"}`, "", 400, "app is required"},
		{"no artifact", `{"app":"web"}`, "", 400, "artifact is required"},
		{"not json", `app=web`, "", 400, "invalid JSON"},
		{"two values", `{"app":"web","artifact":"a"} {}`, "", 400, "more than one value"},
		{"empty", ``, "", 400, "the body is empty"},
		{"wrong type", `{"app":1,"artifact":"a"}`, "", 400, "invalid JSON"},
		{"control char", `{"app":"web","artifact":"a\u0007b"}`, "", 400, "control characters"},
		{"invalid utf-8", "{\"app\":\"web\",\"artifact\":\"a\xffb\"}", "", 400, "not valid UTF-8"},
		{"lone surrogate", `{"app":"web","artifact":"a\ud800b"}`, "", 400, "artifact contains an invalid character U+FFFD"},
		{"rtl override", "{\"app\":\"web\",\"artifact\":\"a\",\"by\":\"al\u202eice\"}", "", 400, "by contains the invisible or bidirectional control character U+202E"},
		{"rtl isolate escaped", `{"app":"web","artifact":"a","display":"1.\u20672"}`, "", 400, "display contains the invisible or bidirectional control character U+2067"},
		{"left-to-right mark", `{"app":"web","artifact":"a","commit":"c\u200e"}`, "", 400, "U+200E"},
		{"byte order mark", `{"app":"web","artifact":"a","key":"k\ufeff"}`, "", 400, "U+FEFF"},
		{"C1 control", `{"app":"web","artifact":"a\u0085b"}`, "", 400, "control characters"},
		{"long field", `{"app":"web","artifact":"a","commit":"` + strings.Repeat("c", 65) + `"}`, "", 400, "commit is longer than 64"},
		{"form content type", `{"app":"web","artifact":"a"}`, "application/x-www-form-urlencoded", 415, "must be JSON"},
		{"too large", big, "", 413, "larger than 65536 bytes"},
		{"unknown app", `{"app":"shop","artifact":"a"}`, "", 404, "no app called shop"},
		{"target says no", `{"app":"web","artifact":"web/m.404.json"}`, "", 422, "web/m.404.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ct := c.ctype
			if ct == "" {
				ct = "application/json"
			}
			code, _, body := f.call(http.MethodPost, "/api/v1/releases", c.body, "Authorization", "Bearer "+token, "Content-Type", ct)
			assert.Equal(t, c.status, code, body)
			assertOneLineError(t, body, c.says)
		})
	}
}

func assertOneLineError(t *testing.T, body, says string) {
	t.Helper()
	assert.Equal(t, 1, strings.Count(body, "\n"), "one line: %q", body)
	assert.True(t, strings.HasSuffix(body, "\n"))
	e := decode[map[string]string](t, body)
	assert.NotEmpty(t, e["error"])
	assert.NotContains(t, body, "goroutine")
	assert.NotContains(t, body, ".go:")
	if says != "" {
		assert.Contains(t, body, says)
	}
}

func TestHistoryAndRoutingErrors(t *testing.T) {
	f := newFixture(t)
	code, body := f.get("/api/v1/apps/shop/releases")
	assert.Equal(t, http.StatusNotFound, code)
	assertOneLineError(t, body, "no app called shop")
	for _, q := range []string{"0", "101", "ten"} {
		code, body = f.get("/api/v1/apps/web/releases?limit=" + q)
		assert.Equal(t, http.StatusBadRequest, code, q)
		assertOneLineError(t, body, "limit")
	}
	code, body = f.get("/api/v1/apps/web/releases")
	assert.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"app":"web","releases":[]}`, body)
	code, hdr, body := f.call(http.MethodGet, "/api/v1/releases", "", "Authorization", "Bearer "+token)
	assert.Equal(t, http.StatusMethodNotAllowed, code)
	assert.Equal(t, "POST", hdr.Get("Allow"))
	assertOneLineError(t, body, "not allowed")
	code, body = f.get("/api/v2/things")
	assert.Equal(t, http.StatusNotFound, code)
	assertOneLineError(t, body, "no such API")
}

func TestAuthentication(t *testing.T) {
	f := newFixture(t)
	f.deps["web"].Add("web/m.1.json", "web/m.2.json")
	record := `{"app":"web","artifact":"web/m.1.json"}`

	code, hdr, body := f.call(http.MethodPost, "/api/v1/releases", record, "Content-Type", "application/json")
	assert.Equal(t, http.StatusUnauthorized, code, "no token")
	assert.Contains(t, hdr.Get("WWW-Authenticate"), "Bearer")
	assertOneLineError(t, body, "authentication required")

	for _, a := range []string{"Bearer wrong-token", "Basic " + token, "Bearer ", token} {
		code, _, body = f.call(http.MethodPost, "/api/v1/releases", record, "Content-Type", "application/json", "Authorization", a)
		assert.Equal(t, http.StatusUnauthorized, code, a)
		assertOneLineError(t, body, "invalid bearer token")
	}
	code, _, _ = f.call(http.MethodGet, "/api/v1/apps/web/releases", "", "Authorization", "Bearer wrong", "X-Forwarded-User", "mallory")
	assert.Equal(t, http.StatusUnauthorized, code, "a wrong token is refused even with the proxy header")

	code, _, body = f.call(http.MethodPost, "/api/v1/releases", record, "Content-Type", "application/json", "X-Forwarded-User", "lilei")
	require.Equal(t, http.StatusCreated, code, body)
	assert.Equal(t, "lilei", decode[recordAnswer](t, body).Release.Requester, "the proxy's user is the actor")

	code, _, _ = f.call(http.MethodGet, "/", "")
	assert.Equal(t, http.StatusSeeOther, code, "a page without a session goes to the login")
	code, hdr, _ = f.call(http.MethodPost, "/login", "token=wrong&next=/locks", "Content-Type", "application/x-www-form-urlencoded")
	assert.Equal(t, http.StatusUnauthorized, code)
	code, hdr, _ = f.call(http.MethodPost, "/login", "token="+token+"&next=/locks", "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusSeeOther, code)
	assert.Equal(t, "/locks", hdr.Get("Location"))
	cookie := hdr.Get("Set-Cookie")
	assert.Contains(t, cookie, "HttpOnly")
	assert.Contains(t, cookie, "SameSite=Strict")
	assert.NotContains(t, cookie, token, "the cookie never holds the token")
	session := strings.SplitN(cookie, ";", 2)[0]
	code, _, _ = f.call(http.MethodGet, "/locks", "", "Cookie", session)
	assert.Equal(t, http.StatusOK, code)
	code, _, body = f.call(http.MethodPost, "/api/v1/releases", `{"app":"web","artifact":"web/m.2.json"}`, "Content-Type", "application/json",
		"Cookie", session)
	assert.Equal(t, http.StatusForbidden, code, "the dashboard session is read-only")
	assertOneLineError(t, body, "read-only")
	code, hdr, _ = f.call(http.MethodPost, "/login", "token="+token+"&next=//evil.example.com/", "Content-Type", "application/x-www-form-urlencoded")
	assert.Equal(t, "/", hdr.Get("Location"), "the login never redirects off the site")
}

func TestWithoutAuthenticationOnlyLocalhostIsServed(t *testing.T) {
	open := func(c *web.Config) { c.Token, c.TrustedUserHeader = "", "" }
	f := newFixture(t, open)
	f.deps["web"].Add("web/m.1.json")
	code, _, body := f.call(http.MethodPost, "/api/v1/releases", `{"app":"web","artifact":"web/m.1.json"}`, "Content-Type", "application/json")
	require.Equal(t, http.StatusCreated, code, body)
	assert.Equal(t, "local", decode[recordAnswer](t, body).Release.Requester)
	code, _, _ = f.call(http.MethodGet, "/audit", "")
	assert.Equal(t, http.StatusOK, code)

	req, err := http.NewRequest(http.MethodGet, f.http.URL+"/", nil)
	require.NoError(t, err)
	req.Host = "attacker.example.com" // DNS rebinding: a foreign name pointing at 127.0.0.1
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	for _, addr := range []string{"0.0.0.0:8080", ":8080", "10.0.0.5:8080", "[::]:8080"} {
		cfg := f.cfg
		cfg.Addr = addr
		_, err := web.New(cfg)
		require.Error(t, err, addr)
		assert.NotContains(t, err.Error(), "\n")
		assert.Contains(t, err.Error(), "api_token_env")
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:8080", "[::1]:8080"} {
		cfg := f.cfg
		cfg.Addr = addr
		_, err := web.New(cfg)
		assert.NoError(t, err, addr)
	}
}

func TestTheWebListenerServesUntilItsContextEnds(t *testing.T) {
	f := newFixture(t)
	require.NoError(t, f.srv.Listen())
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error, 1)
	go func() { done <- f.srv.Run(ctx) }()
	resp, err := http.Get("http://" + f.srv.Addr() + "/static/dingops.css")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	_, err = http.Get("http://" + f.srv.Addr() + "/static/dingops.css")
	assert.Error(t, err, "closed")
}
