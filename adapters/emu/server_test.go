package emu

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServer(t *testing.T) {
	at := time.Date(2026, 11, 24, 11, 0, 0, 0, time.FixedZone("CST", 8*3600))
	s := NewServer(ServerConfig{Name: "test", Clock: fixed(at)})
	require.NoError(t, s.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.Hold(r.Context()) {
			return
		}
		fmt.Fprint(w, s.Next())
	})))
	defer s.Close()
	assert.Contains(t, s.URL(), "http://127.0.0.1:")
	assert.Equal(t, at.UTC(), s.Now())
	s.SetDelay(time.Millisecond)
	assert.Equal(t, time.Millisecond, s.Delay())
	resp, err := http.Get(s.URL())
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, uint64(2), s.Next(), "the request took 1")

	held := make(chan struct{})
	go func() { s.Hang(context.Background()); close(held) }()
	require.NoError(t, s.Close())
	select {
	case <-held:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not release a hang")
	}
}

type fixed time.Time

func (f fixed) Now() time.Time { return time.Time(f) }

func TestFailureOr(t *testing.T) {
	for _, c := range []struct {
		in, want Failure
	}{
		{Failure{}, Failure{503, "ServiceUnavailable", "Injected fault."}},
		{Failure{Status: 403, Code: "AccessDenied", Message: "no"}, Failure{403, "AccessDenied", "no"}},
		{Failure{Code: "Throttling"}, Failure{503, "Throttling", "Injected fault."}},
	} {
		assert.Equal(t, c.want, c.in.Or(503, "ServiceUnavailable"))
	}
}

func TestLog(t *testing.T) {
	l := NewLog[int](3)
	for i := range 5 {
		l.Add(i)
	}
	assert.Equal(t, []int{2, 3, 4}, l.List(nil), "the newest three")
	assert.Equal(t, []int{20, 30, 40}, l.List(func(i int) int { return i * 10 }))
	l.Reset()
	assert.Empty(t, l.List(nil))
	assert.Len(t, RandomHex(4), 8)
}
