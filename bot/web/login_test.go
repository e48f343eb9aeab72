package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/web"
)

// loginAs posts the login form from peer (host:port) straight into the
// handler, so tests can be many peers.
func (f *fixture) loginAs(peer, tok string) *httptest.ResponseRecorder {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{"token": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = peer
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// TestFailedLoginsAreRateLimited: after 5 wrong tokens from one address in
// 10 minutes that address gets 429 — even with the right token, so
// guessing on stops paying — with Retry-After and one log line; other
// addresses still sign in; the limit lifts when the 10 minutes pass. 50
// failures from anywhere close the login for everyone.
func TestFailedLoginsAreRateLimited(t *testing.T) {
	f := newFixture(t)
	for i := range 5 {
		assert.Equal(t, http.StatusUnauthorized, f.loginAs("192.0.2.7:4000", "wrong-"+strconv.Itoa(i)).Code)
	}
	rec := f.loginAs("192.0.2.7:4001", token)
	assert.Equal(t, http.StatusTooManyRequests, rec.Code, "the right token too: the address is limited")
	assert.Contains(t, rec.Body.String(), `id="login-limited"`)
	assert.Contains(t, rec.Body.String(), "登录失败次数过多：请 10 分钟后再试")
	assert.Equal(t, "600", rec.Header().Get("Retry-After"))
	assert.Equal(t, 1, strings.Count(f.logs.String(), `"msg":"login rate limited"`), f.logs.String())
	assert.Contains(t, f.logs.String(), `"peer":"192.0.2.7"`)
	assert.Equal(t, http.StatusSeeOther, f.loginAs("198.51.100.1:5000", token).Code, "another address signs in")

	f.clock.Advance(10 * time.Minute)
	assert.Equal(t, http.StatusSeeOther, f.loginAs("192.0.2.7:4002", token).Code, "the limit lifts")

	for i := range 50 {
		f.loginAs("203.0.113."+strconv.Itoa(i)+":1", "wrong")
	}
	rec = f.loginAs("198.51.100.9:1", token)
	assert.Equal(t, http.StatusTooManyRequests, rec.Code, "the global limit")
	assert.Contains(t, rec.Body.String(), `id="login-limited"`)
}

// session signs in and returns the cookie pair "name=value".
func (f *fixture) session() string {
	f.t.Helper()
	rec := f.loginAs("127.0.0.1:1", token)
	require.Equal(f.t, http.StatusSeeOther, rec.Code)
	return strings.SplitN(rec.Header().Get("Set-Cookie"), ";", 2)[0]
}

// TestLogoutRevokesTheSession: a copy of the cookie taken before logout
// stops working at logout — on this replica and on another one sharing the
// store — while a new sign-in works; a cookie past its 12 hours, or with
// any byte changed, is refused.
func TestLogoutRevokesTheSession(t *testing.T) {
	f := newFixture(t)
	other, err := web.New(f.cfg) // a second replica over the same store
	require.NoError(t, err)
	page := func(h http.Handler, cookie string) int {
		req := httptest.NewRequest(http.MethodGet, "/locks", nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	kept, still := f.session(), f.session()
	assert.NotEqual(t, kept, still, "each sign-in is its own session")
	require.Equal(t, http.StatusOK, page(f.srv.Handler(), kept))
	require.Equal(t, http.StatusOK, page(other.Handler(), kept))

	code, hdr, _ := f.call(http.MethodPost, "/logout", "", "Cookie", kept)
	require.Equal(t, http.StatusSeeOther, code)
	assert.Contains(t, hdr.Get("Set-Cookie"), "Max-Age=0")
	assert.Equal(t, http.StatusSeeOther, page(f.srv.Handler(), kept), "the copied cookie is revoked")
	assert.Equal(t, http.StatusSeeOther, page(other.Handler(), kept), "on every replica")
	assert.Equal(t, http.StatusOK, page(other.Handler(), still), "another session is not touched")
	assert.Equal(t, http.StatusOK, page(f.srv.Handler(), f.session()), "signing in again works")

	name, value, _ := strings.Cut(still, "=")
	tampered := name + "=" + value[:len(value)-1] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", value[len(value)-1])+1)%16])
	assert.Equal(t, http.StatusSeeOther, page(f.srv.Handler(), tampered))
	f.clock.Advance(12*time.Hour + time.Second)
	assert.Equal(t, http.StatusSeeOther, page(f.srv.Handler(), still), "past its 12 hours")
}
