package configs_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/configs"
)

const minimalApps = `teams: {a: [alice], b: [bob]}
chats: {ops: {conversation_id: cid}}
apps:
  api:
    target:
      kind: container
      kubernetes: {namespace: prod, deployments: [{deployment: api, container: api}]}
    chats: [ops]
    release_teams: [a]
    approver_teams: [b]
`

func warningPaths(p *configs.Problems) []string {
	var out []string
	for _, w := range p.Warnings {
		out = append(out, w.Path)
	}
	return out
}

// TestTrustedProxies: the header is believed from loopback unless
// trusted_proxies says otherwise; config check warns when the listener is
// reachable from elsewhere and no proxy is listed, and refuses an entry
// that is not a CIDR or an address, with its line.
func TestTrustedProxies(t *testing.T) {
	cases := []struct {
		name, server string
		want         []string // prefixes
		warn         string   // the warning's path, if any
	}{
		{"default is loopback", "{trusted_user_header: X-Forwarded-User}", []string{"127.0.0.0/8", "::1/128"}, ""},
		{"open listener warns", "{web_addr: '0.0.0.0:8080', trusted_user_header: X-Forwarded-User}",
			[]string{"127.0.0.0/8", "::1/128"}, "server.trusted_user_header"},
		{"v6 open listener warns", "{web_addr: '[::]:8080', trusted_user_header: X-Forwarded-User}",
			[]string{"127.0.0.0/8", "::1/128"}, "server.trusted_user_header"},
		{"listed proxies", "{web_addr: '0.0.0.0:8080', trusted_user_header: X-Forwarded-User, trusted_proxies: [10.1.0.0/16, 'fd00:1::/64', 192.168.3.4, '::ffff:10.2.3.4']}",
			[]string{"10.1.0.0/16", "fd00:1::/64", "192.168.3.4/32", "10.2.3.4/32"}, ""},
		{"proxies without header", "{trusted_proxies: [10.1.0.0/16]}", []string{"10.1.0.0/16"}, "server.trusted_proxies"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, probs, err := configs.Parse([]byte("server: "+c.server+"\n"+minimalApps), "c.yaml", env())
			require.NoError(t, err, "%v", probs)
			var got []string
			for _, p := range cfg.Server.TrustedProxyPrefixes() {
				got = append(got, p.String())
			}
			assert.Equal(t, c.want, got)
			if c.warn == "" {
				assert.Empty(t, probs.Warnings)
			} else {
				assert.Equal(t, []string{c.warn}, warningPaths(probs))
			}
		})
	}
}

func TestTrustedProxiesRefusesGarbage(t *testing.T) {
	text := "server:\n  trusted_user_header: X-Forwarded-User\n  trusted_proxies:\n    - 10.0.0.0/8\n    - proxy.internal\n    - 10.0.0.0/33\n" + minimalApps
	_, probs, err := configs.Parse([]byte(text), "c.yaml", env())
	require.Error(t, err)
	require.Len(t, probs.List, 2)
	assert.Equal(t, "server.trusted_proxies[1]", probs.List[0].Path)
	assert.Equal(t, 5, probs.List[0].Line)
	assert.Contains(t, probs.List[0].Message, `"proxy.internal" is not a CIDR`)
	assert.Equal(t, "server.trusted_proxies[2]", probs.List[1].Path)
}

func TestTrustedProxyPrefixesWithoutValidation(t *testing.T) {
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
		configs.Server{}.TrustedProxyPrefixes(), "an unvalidated Server still trusts loopback only")
}
