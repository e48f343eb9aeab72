package faults

import (
	"net"
	"sync"
	"time"
)

// dialTimeout bounds connecting to the target; a client that gets no
// answer from the target gets a reset, as it would without the proxy.
const dialTimeout = 5 * time.Second

// link is one proxied connection: the client's side and the target's.
type link struct {
	client, server net.Conn
	done           chan struct{} // closed when the link is torn down
	once           sync.Once
}

// serve connects c to the target and forwards both ways until either side
// ends or the link is cut.
func (p *Proxy) serve(c net.Conn) {
	defer p.wg.Done()
	s, err := net.DialTimeout("tcp", p.target, dialTimeout)
	if err != nil {
		p.log.Warn("fault proxy could not reach its target", "target", p.target, "err", err)
		resetConn(c)
		return
	}
	l := &link{client: c, server: s, done: make(chan struct{})}
	if !p.add(l) {
		l.reset()
		return
	}
	defer p.remove(l)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pump(l, c, s, Up) }()
	go func() { defer wg.Done(); p.pump(l, s, c, Down) }()
	wg.Wait()
}

// pump copies src to dst chunk by chunk, each chunk held for the
// direction's delay and stall; when either side ends the link closes.
func (p *Proxy) pump(l *link, src, dst net.Conn, dir Direction) {
	defer l.close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.hold(l, dir) {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// hold waits out the direction's delay and stall; false if the link went
// down meanwhile.
func (p *Proxy) hold(l *link, dir Direction) bool {
	for {
		delay, stall := p.pace(dir)
		if stall != nil {
			select {
			case <-stall:
				continue // released: read the delay again
			case <-l.done:
				return false
			}
		}
		if delay <= 0 {
			return true
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
			return true
		case <-l.done:
			t.Stop()
			return false
		}
	}
}

// close ends the link with FINs: one side ended, so the other learns it.
func (l *link) close() {
	l.once.Do(func() {
		close(l.done)
		_ = l.client.Close()
		_ = l.server.Close()
	})
}

// reset ends the link with RSTs on both sides.
func (l *link) reset() {
	l.once.Do(func() {
		close(l.done)
		resetConn(l.client)
		resetConn(l.server)
	})
}
