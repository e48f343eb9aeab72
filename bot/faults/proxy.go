package faults

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Direction is one way through the proxy.
type Direction int

// Directions.
const (
	Up   Direction = iota // client → server
	Down                  // server → client
)

func (d Direction) String() string {
	if d == Up {
		return "up"
	}
	return "down"
}

// Options configure a Proxy.
type Options struct {
	Addr   string // listen address; default 127.0.0.1:0
	Logger *slog.Logger
}

// Stats counts what a proxy saw.
type Stats struct {
	Accepted int // connections forwarded to the target
	Refused  int // connections reset at once (Refuse)
	Cut      int // connections closed by Cut
	Open     int // connections open now
}

// Proxy forwards TCP connections to one target and injects faults: Cut
// resets every open connection, Refuse resets new ones, SetDelay holds
// each chunk of one direction for a while, and Stall holds one direction
// until it is released (a network that drops packets without a reset,
// where only timeouts notice). It is safe for concurrent use.
type Proxy struct {
	target string
	ln     net.Listener
	log    *slog.Logger

	mu     sync.Mutex
	links  map[*link]struct{}
	refuse bool
	delay  [2]time.Duration
	stall  [2]chan struct{} // non-nil while stalled; closed on release
	stats  Stats
	closed bool
	wg     sync.WaitGroup
}

// NewProxy listens and forwards every accepted connection to target
// (host:port).
func NewProxy(target string, o Options) (*Proxy, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("starting fault proxy to %s: %w", target, err)
	}
	p := &Proxy{target: target, ln: ln, log: o.Logger, links: map[*link]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's listen address, host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Target is where connections are forwarded.
func (p *Proxy) Target() string { return p.target }

// Stats reports the counts so far.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Open = len(p.links)
	return s
}

// Cut resets every open connection, both sides, as a dropped network path
// does, and reports how many there were. New connections still go through.
func (p *Proxy) Cut() int {
	p.mu.Lock()
	ls := make([]*link, 0, len(p.links))
	for l := range p.links {
		ls = append(ls, l)
	}
	p.stats.Cut += len(ls)
	p.mu.Unlock()
	for _, l := range ls {
		l.reset()
	}
	p.log.Info("fault proxy cut connections", "target", p.target, "n", len(ls))
	return len(ls)
}

// Refuse makes new connections be reset as soon as they are accepted (on)
// or forwarded again (off); open connections are left alone.
func (p *Proxy) Refuse(on bool) {
	p.mu.Lock()
	p.refuse = on
	p.mu.Unlock()
}

// SetDelay holds every chunk of bytes going in dir for d before passing it
// on (0 removes the delay).
func (p *Proxy) SetDelay(dir Direction, d time.Duration) {
	p.mu.Lock()
	p.delay[dir] = d
	p.mu.Unlock()
}

// Stall holds every byte going in dir, on open and new connections, until
// Stall(dir, false): the connections stay open and silent.
func (p *Proxy) Stall(dir Direction, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case on && p.stall[dir] == nil:
		p.stall[dir] = make(chan struct{})
	case !on && p.stall[dir] != nil:
		close(p.stall[dir])
		p.stall[dir] = nil
	}
}

// Close stops listening, resets every connection and waits for the
// forwarding goroutines.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	for dir := range p.stall {
		if p.stall[dir] != nil {
			close(p.stall[dir])
			p.stall[dir] = nil
		}
	}
	p.mu.Unlock()
	err := p.ln.Close()
	p.Cut()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				p.log.Warn("fault proxy stopped accepting", "err", err)
			}
			return
		}
		p.mu.Lock()
		refuse, closed := p.refuse, p.closed
		if refuse {
			p.stats.Refused++
		}
		p.mu.Unlock()
		if refuse || closed {
			resetConn(c)
			continue
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

// pace is what a chunk going in dir waits for: the delay and, while the
// direction is stalled, the channel that is closed on release.
func (p *Proxy) pace(dir Direction) (time.Duration, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.delay[dir], p.stall[dir]
}

func (p *Proxy) add(l *link) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.links[l] = struct{}{}
	p.stats.Accepted++
	return true
}

func (p *Proxy) remove(l *link) {
	p.mu.Lock()
	delete(p.links, l)
	p.mu.Unlock()
}

// resetConn closes c with an RST rather than a FIN, as a refused or
// broken path looks to the peer.
func resetConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}
