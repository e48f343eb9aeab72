package web

import (
	"context"
	"log/slog"
	"net/netip"
	"sync"
)

// loopbackProxies are the peers whose user header is believed when
// Config.TrustedProxies is empty: a proxy on the same machine only.
var loopbackProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// maxIgnoredPeers bounds the peers remembered as already logged; past it
// the memory starts over (so a scan of many addresses cannot grow it, and
// logs at most one line per request).
const maxIgnoredPeers = 1024

// proxyTrust decides whether a request's trusted user header may be
// believed: only when the TCP peer is one of the configured proxies. Any
// other client that can reach the port could otherwise name itself admin.
type proxyTrust struct {
	header   string
	prefixes []netip.Prefix
	log      *slog.Logger

	mu      sync.Mutex
	ignored map[netip.Addr]bool // peers already logged
}

func newProxyTrust(header string, prefixes []netip.Prefix, log *slog.Logger) *proxyTrust {
	if len(prefixes) == 0 {
		prefixes = loopbackProxies
	}
	return &proxyTrust{header: header, prefixes: prefixes, log: log, ignored: map[netip.Addr]bool{}}
}

// believes says whether the header of a request from remoteAddr (the
// request's RemoteAddr, host:port) is the proxy's; when not, the attempt
// is logged once per peer.
func (p *proxyTrust) believes(ctx context.Context, remoteAddr string) bool {
	peer, ok := peerAddr(remoteAddr)
	if ok {
		for _, pre := range p.prefixes {
			if pre.Contains(peer) {
				return true
			}
		}
	}
	p.logIgnored(ctx, peer, remoteAddr)
	return false
}

func (p *proxyTrust) logIgnored(ctx context.Context, peer netip.Addr, remoteAddr string) {
	p.mu.Lock()
	seen := p.ignored[peer]
	if !seen {
		if len(p.ignored) >= maxIgnoredPeers {
			clear(p.ignored)
		}
		p.ignored[peer] = true
	}
	p.mu.Unlock()
	if !seen {
		p.log.WarnContext(ctx, "ignoring the trusted user header from a peer that is not a trusted proxy "+
			"(server.trusted_proxies); logged once per peer", "header", p.header, "peer", remoteAddr)
	}
}

// peerAddr is the IP of a RemoteAddr, without zone and with IPv4-mapped
// IPv6 addresses read as IPv4.
func peerAddr(remoteAddr string) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		a, err := netip.ParseAddr(remoteAddr)
		return a.WithZone("").Unmap(), err == nil
	}
	return ap.Addr().WithZone("").Unmap(), true
}
