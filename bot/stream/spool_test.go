package stream

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/store"
)

func spoolMsg(id string) store.InboundMessage {
	return store.InboundMessage{MsgID: id, ReceivedAt: time.UnixMilli(1795000000000).UTC(), ChatID: "cid-web",
		Sender: "alice", Body: `{"message":{"id":"` + id + `"}}`}
}

// TestSpoolSurvivesReopen: what was put and not done is there after a
// reopen (a restart), oldest first; done messages are gone.
func TestSpoolSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := openSpool(dir, 10)
	require.NoError(t, err)
	for _, id := range []string{"m1", "m2", "m3"} {
		require.NoError(t, s.Put(spoolMsg(id)))
	}
	require.NoError(t, s.Put(spoolMsg("m2")), "a repeat is not kept twice")
	require.NoError(t, s.Done("m2"))
	require.NoError(t, s.Done("nope"))
	// No Close: a killed process does not close its file.
	again, err := openSpool(dir, 10)
	require.NoError(t, err)
	defer again.Close()
	assert.Equal(t, []store.InboundMessage{spoolMsg("m1"), spoolMsg("m3")}, again.Waiting())
}

// TestSpoolFull: a full spool refuses, and takes again once one is done.
func TestSpoolFull(t *testing.T) {
	s, err := openSpool(t.TempDir(), 2)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Put(spoolMsg("m1")))
	require.NoError(t, s.Put(spoolMsg("m2")))
	require.ErrorIs(t, s.Put(spoolMsg("m3")), errSpoolFull)
	require.NoError(t, s.Done("m1"))
	require.NoError(t, s.Put(spoolMsg("m3")))
	assert.Equal(t, 2, s.Len())
}

// TestSpoolEmptiedWhenDrained: once everything is done the file is empty,
// so it does not grow for ever.
func TestSpoolEmptiedWhenDrained(t *testing.T) {
	dir := t.TempDir()
	s, err := openSpool(dir, 100)
	require.NoError(t, err)
	defer s.Close()
	for i := range 50 {
		require.NoError(t, s.Put(spoolMsg(fmt.Sprint("m", i))))
	}
	for _, m := range s.Waiting() {
		require.NoError(t, s.Done(m.MsgID))
	}
	st, err := os.Stat(filepath.Join(dir, SpoolFile))
	require.NoError(t, err)
	assert.Zero(t, st.Size())
	require.NoError(t, s.Put(spoolMsg("after")))
	assert.Equal(t, []store.InboundMessage{spoolMsg("after")}, s.Waiting())
}

// TestSpoolTornLine: a line cut short by a crash mid-write is dropped (its
// message was never acked as kept) and the rest is read.
func TestSpoolTornLine(t *testing.T) {
	dir := t.TempDir()
	s, err := openSpool(dir, 10)
	require.NoError(t, err)
	require.NoError(t, s.Put(spoolMsg("m1")))
	f, err := os.OpenFile(filepath.Join(dir, SpoolFile), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"op":"put","id":"m2","msg":{"MsgID":"m2","Bo`)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	again, err := openSpool(dir, 10)
	require.NoError(t, err)
	assert.Equal(t, []store.InboundMessage{spoolMsg("m1")}, again.Waiting())
	require.NoError(t, again.Put(spoolMsg("m3")))
	third, err := openSpool(dir, 10)
	require.NoError(t, err)
	assert.Equal(t, []store.InboundMessage{spoolMsg("m1"), spoolMsg("m3")}, third.Waiting())
}
