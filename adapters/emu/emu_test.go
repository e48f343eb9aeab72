package emu

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListener(t *testing.T) {
	l := NewListener()
	assert.Equal(t, "", l.Addr())
	require.NoError(t, l.Start("", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.Wait(r.Context(), -1) { // a hang fault: held until the listener closes
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}), "test", nil))
	assert.Contains(t, l.URL(), "http://127.0.0.1:")
	assert.True(t, l.Wait(context.Background(), 0))
	assert.True(t, l.Wait(context.Background(), time.Millisecond))
	done := make(chan bool, 1)
	go func() { done <- l.Wait(context.Background(), -1) }()
	require.NoError(t, l.Close())
	select {
	case ok := <-done:
		assert.False(t, ok, "closing releases a held wait")
	case <-time.After(5 * time.Second):
		t.Fatal("a held wait was not released by Close")
	}
}

// TestFaults: a fault applies to as many matching requests as its count,
// in the order faults were added; a non-matching one waits its turn.
func TestFaults(t *testing.T) {
	type fault struct {
		Op    string
		Count int
	}
	q := NewFaults(func(f *fault) *int { return &f.Count })
	q.Add(fault{Op: "put", Count: 2})
	q.Add(fault{Op: "get"}) // count 0 means one request
	q.Add(fault{Op: "", Count: 1})
	is := func(op string) func(fault) bool {
		return func(f fault) bool { return f.Op == "" || f.Op == op }
	}
	assert.Equal(t, []fault{{"put", 2}, {"get", 1}, {"", 1}}, q.List())
	f, ok := q.Take(is("get"))
	assert.True(t, ok)
	assert.Equal(t, "get", f.Op)
	f, ok = q.Take(is("put"))
	assert.True(t, ok)
	assert.Equal(t, "put", f.Op)
	assert.Equal(t, []fault{{"put", 1}, {"", 1}}, q.List(), "counted down")
	_, _ = q.Take(is("put"))
	f, ok = q.Take(is("get"))
	assert.True(t, ok)
	assert.Equal(t, "", f.Op, "the catch-all is next")
	_, ok = q.Take(is("put"))
	assert.False(t, ok, "all used up")
	q.Add(fault{Op: "put"})
	q.Clear()
	assert.Empty(t, q.List())
}
