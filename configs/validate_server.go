package configs

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// loopbackProxies is server.trusted_proxies when it is not written: the
// header is believed only from a proxy on the same machine (a sidecar).
var loopbackProxies = []string{"127.0.0.0/8", "::1/128"}

// trustedProxies checks server.trusted_proxies and warns when the trusted
// user header would be believed from nobody who can reach the listener:
// the listener is not on loopback and no proxy address is listed, so the
// header is ignored (and every proxied user refused).
func (v *validator) trustedProxies(s *Server) {
	written := len(s.TrustedProxies) > 0
	for i, p := range s.TrustedProxies {
		if _, err := parseProxy(p); err != nil {
			v.bad(fmt.Sprintf("server.trusted_proxies[%d]", i), "%v", err)
		}
	}
	if !written {
		s.TrustedProxies = append([]string(nil), loopbackProxies...)
	}
	switch {
	case s.TrustedUserHeader != "" && !written && !loopbackListen(s.WebAddr):
		v.warn("server.trusted_user_header", "is believed only from server.trusted_proxies (default loopback only), "+
			"but server.web_addr %s is reachable from other machines: list the proxy's addresses in server.trusted_proxies, "+
			"or requests through it are not authenticated by the header", s.WebAddr)
	case s.TrustedUserHeader == "" && written:
		v.warn("server.trusted_proxies", "has no effect without server.trusted_user_header")
	}
}

// parseProxy reads one trusted_proxies entry: a CIDR (10.0.0.0/8,
// fd00::/8) or a single address.
func parseProxy(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR (10.0.0.0/8, fd00::/8) or an IP address", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// TrustedProxyPrefixes are server.trusted_proxies as prefixes (loopback
// only when none are written); entries validation refused are left out.
func (s Server) TrustedProxyPrefixes() []netip.Prefix {
	list := s.TrustedProxies
	if len(list) == 0 {
		list = loopbackProxies
	}
	out := make([]netip.Prefix, 0, len(list))
	for _, e := range list {
		if p, err := parseProxy(e); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// loopbackListen says whether a listen address (host:port) is on the
// loopback interface only.
func loopbackListen(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
