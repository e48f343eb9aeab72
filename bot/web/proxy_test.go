package web_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/web"
)

// serveFrom runs one request through the server's handler as if it came
// from the TCP peer remote (ip:port).
func (f *fixture) serveFrom(remote, method, path, body string, hdr ...string) int {
	f.t.Helper()
	req := httptest.NewRequest(method, "http://127.0.0.1"+path, strings.NewReader(body))
	req.RemoteAddr = remote
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	return rec.Code
}

// TestTrustedHeaderOnlyFromTrustedProxies: the user header authenticates
// only a request whose peer is in TrustedProxies (loopback by default);
// from anyone else it is ignored — a direct client cannot read the
// dashboard's API or record a release by naming itself — and the attempt
// is logged once per peer.
func TestTrustedHeaderOnlyFromTrustedProxies(t *testing.T) {
	proxies := func(c *web.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	}
	cases := []struct {
		name, peer string
		tweak      []func(*web.Config)
		trusted    bool
	}{
		{"default: loopback v4", "127.0.0.1:40000", nil, true},
		{"default: loopback v6", "[::1]:40000", nil, true},
		{"default: v4-mapped loopback", "[::ffff:127.0.0.1]:40000", nil, true},
		{"default: other v4", "203.0.113.7:40000", nil, false},
		{"default: other v6", "[2001:db8::7]:40000", nil, false},
		{"listed v4", "10.1.2.3:40000", []func(*web.Config){proxies}, true},
		{"listed v6", "[fd00::5]:40000", []func(*web.Config){proxies}, true},
		{"listed v6 with zone", "[fd00::5%eth0]:40000", []func(*web.Config){proxies}, true},
		{"unlisted v4", "192.168.1.9:40000", []func(*web.Config){proxies}, false},
		{"unlisted v6", "[2001:db8::7]:40000", []func(*web.Config){proxies}, false},
		{"loopback once listed others", "127.0.0.1:40000", []func(*web.Config){proxies}, false},
		{"no address", "pipe", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.tweak...)
			f.deps["web"].Add("web/m.1.json")
			read := f.serveFrom(c.peer, http.MethodGet, "/api/v1/apps/web/releases", "", "X-Forwarded-User", "admin")
			write := f.serveFrom(c.peer, http.MethodPost, "/api/v1/releases", `{"app":"web","artifact":"web/m.1.json"}`,
				"Content-Type", "application/json", "X-Forwarded-User", "admin")
			hist, err := f.eng.History(f.ctx, "web", 10)
			require.NoError(t, err)
			ignored := strings.Count(f.logs.String(), "ignoring the trusted user header")
			if c.trusted {
				assert.Equal(t, http.StatusOK, read)
				assert.Equal(t, http.StatusCreated, write)
				require.Len(t, hist, 1)
				assert.Equal(t, "admin", hist[0].Requester)
				assert.Zero(t, ignored)
				return
			}
			assert.Equal(t, http.StatusUnauthorized, read)
			assert.Equal(t, http.StatusUnauthorized, write)
			assert.Empty(t, hist, "nothing recorded")
			assert.Equal(t, 1, ignored, "logged once for the peer, not per request")
		})
	}
}

// TestIgnoredHeaderIsLoggedPerPeer: a second peer gets its own line; the
// bearer token still works from anywhere.
func TestIgnoredHeaderIsLoggedPerPeer(t *testing.T) {
	f := newFixture(t)
	for _, peer := range []string{"203.0.113.7:1", "203.0.113.7:2", "[2001:db8::7]:1", "[2001:db8::7]:2"} {
		assert.Equal(t, http.StatusUnauthorized, f.serveFrom(peer, http.MethodGet, "/api/v1/apps/web/releases", "", "X-Forwarded-User", "admin"))
	}
	assert.Equal(t, 2, strings.Count(f.logs.String(), "ignoring the trusted user header"))
	assert.Equal(t, http.StatusOK, f.serveFrom("203.0.113.7:3", http.MethodGet, "/api/v1/apps/web/releases", "",
		"Authorization", "Bearer "+token, "X-Forwarded-User", "admin"))
}

// TestTrustedHeaderOverIPv6Loopback: a real connection to [::1] is a
// loopback peer.
func TestTrustedHeaderOverIPv6Loopback(t *testing.T) {
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	f := newFixture(t)
	srv := httptest.NewUnstartedServer(f.srv.Handler())
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/apps/web/releases", nil)
	require.NoError(t, err)
	req.Host = "[::1]"
	req.Header.Set("X-Forwarded-User", "admin")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
