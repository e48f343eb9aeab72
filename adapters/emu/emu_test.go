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
