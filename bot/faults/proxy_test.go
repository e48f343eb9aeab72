package faults

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echoServer answers every line with the same line.
func echoServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

func newTestProxy(t *testing.T) *Proxy {
	p, err := NewProxy(echoServer(t), Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func dial(t *testing.T, p *Proxy) (net.Conn, *bufio.Reader) {
	c, err := net.Dial("tcp", p.Addr())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c, bufio.NewReader(c)
}

// roundTrip writes a line and reads the echo, within a generous deadline.
func roundTrip(c net.Conn, r *bufio.Reader, line string) (string, error) {
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return "", err
	}
	got, err := r.ReadString('\n')
	return got, err
}

func TestProxyForwardsAndCuts(t *testing.T) {
	p := newTestProxy(t)
	c, r := dial(t, p)
	got, err := roundTrip(c, r, "hello")
	require.NoError(t, err)
	assert.Equal(t, "hello\n", got)
	require.Eventually(t, func() bool { return p.Stats().Open == 1 }, 10*time.Second, 5*time.Millisecond)

	assert.Equal(t, 1, p.Cut())
	_, err = roundTrip(c, r, "after the cut")
	require.Error(t, err, "a cut connection is dead")
	assert.False(t, errors.Is(err, os.ErrDeadlineExceeded), "it fails at once, it does not hang: %v", err)

	c2, r2 := dial(t, p)
	got, err = roundTrip(c2, r2, "again")
	require.NoError(t, err, "new connections go through after a cut")
	assert.Equal(t, "again\n", got)
	s := p.Stats()
	assert.Equal(t, 2, s.Accepted)
	assert.Equal(t, 1, s.Cut)
}

func TestProxyRefuses(t *testing.T) {
	p := newTestProxy(t)
	open, openR := dial(t, p)
	_, err := roundTrip(open, openR, "before")
	require.NoError(t, err)

	p.Refuse(true)
	if c, derr := net.Dial("tcp", p.Addr()); derr == nil { // the reset may come before or after connect returns
		_, err = roundTrip(c, bufio.NewReader(c), "refused")
		_ = c.Close()
		require.Error(t, err, "a new connection is reset")
	}
	got, err := roundTrip(open, openR, "still open")
	require.NoError(t, err, "refusing leaves open connections alone")
	assert.Equal(t, "still open\n", got)

	p.Refuse(false)
	c, r := dial(t, p)
	_, err = roundTrip(c, r, "accepted again")
	require.NoError(t, err)
	assert.Equal(t, 1, p.Stats().Refused)
}

func TestProxyStallsOneDirection(t *testing.T) {
	p := newTestProxy(t)
	c, r := dial(t, p)
	_, err := roundTrip(c, r, "warm")
	require.NoError(t, err)

	p.Stall(Down, true)
	_, err = io.WriteString(c, "held\n")
	require.NoError(t, err)
	_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	_, err = r.ReadString('\n')
	require.ErrorIs(t, err, os.ErrDeadlineExceeded, "nothing comes back while down is stalled")

	p.Stall(Down, false)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := r.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "held\n", got, "the held bytes arrive once released, in order")
}

func TestProxyDelaysButDelivers(t *testing.T) {
	p := newTestProxy(t)
	p.SetDelay(Up, 20*time.Millisecond)
	p.SetDelay(Down, 20*time.Millisecond)
	c, r := dial(t, p)
	for _, line := range []string{"one", "two", "three"} {
		got, err := roundTrip(c, r, line)
		require.NoError(t, err)
		assert.Equal(t, line+"\n", got)
	}
}

func TestProxyCloseEndsEverything(t *testing.T) {
	p, err := NewProxy(echoServer(t), Options{})
	require.NoError(t, err)
	p.Stall(Up, true)
	c, _ := dial(t, p)
	_, _ = io.WriteString(c, "stuck\n")
	require.Eventually(t, func() bool { return p.Stats().Open == 1 }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, p.Close(), "close returns although a stalled link holds a chunk")
	_, err = net.Dial("tcp", p.Addr())
	assert.Error(t, err, "nothing listens after Close")
}
