package faults

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/oss/ossemu"
	"github.com/dingops/dingops/core"
)

// TestOSSFaults: OSS answers 500s, hangs past the per-attempt timeout, or
// refuses with a 4xx while a rollback deploys. Transient failures are
// retried within the adapter's bound (the copy is idempotent) and the
// rollback succeeds with one switch; a failure that persists, or one that
// asking again cannot fix, fails the rollback with the cause in the error,
// and the row, the card, the audit log and the target agree.
func TestOSSFaults(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(s *settings) { s.Apps, s.OSSTimeout = 1, time.Second })
	w.start("replica-a")
	w.start("replica-b")
	cases := []struct {
		name   string
		fault  ossemu.Fault
		status core.Status
		calls  int    // CopyObject requests expected
		cause  string // in the release's error
	}{
		{"two 500s then success", ossemu.Fault{Op: ossemu.OpCopyObject, Count: 2}, core.StatusSucceeded, 3, ""},
		{"a hang past the timeout then success", ossemu.Fault{Op: ossemu.OpCopyObject, Hang: true}, core.StatusSucceeded, 2, ""},
		{"500s beyond the retries", ossemu.Fault{Op: ossemu.OpCopyObject, Count: 3, Status: 503, Code: "ServiceUnavailable"},
			core.StatusFailed, 3, "ServiceUnavailable"},
		{"a 403 is not retried", ossemu.Fault{Op: ossemu.OpCopyObject, Status: 403, Code: "AccessDenied"},
			core.StatusFailed, 1, "AccessDenied"},
	}
	for _, c := range cases {
		before := w.liveRef("web1")
		id := w.request("web1", w.notLive("web1"))
		w.oss.InjectFault(c.fault)
		w.approve(id)
		r := w.waitStatus(id, c.status, patience)
		assert.Len(t, w.copies(id), c.calls, "%s: CopyObject attempts", c.name)
		assert.Empty(t, w.oss.Faults(), "%s: the fault was used up", c.name)
		if c.status == core.StatusFailed {
			assert.Contains(t, r.Error, c.cause, "%s: the error names the cause", c.name)
			assert.Equal(t, before, w.liveRef("web1"), "%s: a failed rollback leaves what was live", c.name)
			assert.Contains(t, w.cardOf(id).Data["result"], c.cause, "%s: the card says why", c.name)
		} else {
			w.checkDeployedOnce(id)
		}
	}
	w.checkLive()
	w.checkSettled()
}

// TestOSSDownAtRequest: OSS fails while a rollback is requested (its
// artifact cannot be checked): the request is refused with a reason
// instead of recording a release nobody can vouch for.
func TestOSSDownAtRequest(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(s *settings) { s.Apps, s.OSSTimeout = 1, time.Second })
	w.start("replica-a")
	w.oss.InjectFault(ossemu.Fault{Count: 100, Status: 500})
	m := w.say(chat(1), "alice", "/rollback web1 v1 oss is down")
	w.handled([]sent{m}, patience)
	w.oss.ClearFaults()
	assert.Empty(t, w.checkAnswered([]sent{m}), "no release recorded")
	replies := w.repliesTo(m.MsgID)
	require.Len(t, replies, 1)
	assert.True(t, strings.Contains(replies[0], "InternalError"), "the reply gives OSS's answer: %s", replies[0])
	w.checkSettled()
}

// liveRef is the artifact the store says is live for app.
func (w *world) liveRef(appName string) string {
	w.t.Helper()
	r, err := w.st.Live(w.ctx, appName)
	require.NoError(w.t, err)
	return r.Artifact.Ref
}

// notLive is the recorded version (1 or 2) whose artifact is not live.
func (w *world) notLive(appName string) int {
	if w.liveRef(appName) == manifest(appName, 1) {
		return 2
	}
	return 1
}
