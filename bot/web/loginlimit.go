package web

import (
	"net"
	"sync"
	"time"

	"github.com/dingops/dingops/core"
)

// Failed sign-ins allowed per loginWindow: from one address, and from
// everywhere together (behind a reverse proxy every sign-in comes from the
// proxy's address, and many addresses may guess together). The token and
// the trusted header keep working when the login is closed.
const (
	loginWindow       = 10 * time.Minute
	loginPeerFailures = 5
	loginAllFailures  = 50
	loginMaxPeers     = 10000 // addresses tracked; beyond it only the global limit applies
)

// loginLimiter counts failed sign-ins in fixed windows of loginWindow.
type loginLimiter struct {
	mu    sync.Mutex
	clock core.Clock
	peers map[string]*failures
	all   failures
}

type failures struct {
	n     int
	since time.Time
}

// count is the failures in the window still running at now.
func (f *failures) count(now time.Time) int {
	if now.Sub(f.since) >= loginWindow {
		f.n, f.since = 0, now
	}
	return f.n
}

func (f *failures) retryAfter(now time.Time) time.Duration { return f.since.Add(loginWindow).Sub(now) }

func newLoginLimiter(clock core.Clock) *loginLimiter {
	return &loginLimiter{clock: clock, peers: map[string]*failures{}}
}

// peerOf is the address a request came from, without the port.
func peerOf(remoteAddr string) string {
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return h
	}
	return remoteAddr
}

// blocked says whether peer may not try now, for how long, and whether
// the global limit is the reason.
func (l *loginLimiter) blocked(peer string) (time.Duration, bool, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if l.all.count(now) >= loginAllFailures {
		return l.all.retryAfter(now), true, true
	}
	if f := l.peers[peer]; f != nil && f.count(now) >= loginPeerFailures {
		return f.retryAfter(now), false, true
	}
	return 0, false, false
}

// failed counts a wrong token from peer and says which limit, if any,
// this failure reached ("peer" or "global"): the moment worth a log line.
func (l *loginLimiter) failed(peer string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	l.all.count(now)
	l.all.n++
	hit := ""
	if l.all.n == loginAllFailures {
		hit = "global"
	}
	f := l.peers[peer]
	if f == nil {
		if len(l.peers) >= loginMaxPeers {
			l.sweep(now)
		}
		if len(l.peers) >= loginMaxPeers {
			return hit
		}
		f = &failures{since: now}
		l.peers[peer] = f
	}
	f.count(now)
	f.n++
	if f.n == loginPeerFailures && hit == "" {
		hit = "peer"
	}
	return hit
}

// succeeded forgets peer's failures.
func (l *loginLimiter) succeeded(peer string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.peers, peer)
}

func (l *loginLimiter) sweep(now time.Time) {
	for p, f := range l.peers {
		if now.Sub(f.since) >= loginWindow {
			delete(l.peers, p)
		}
	}
}
