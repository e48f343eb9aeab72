package faults

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/core"
)

// TestDingTalkFaults: the DingTalk OpenAPI answers 500s or hangs past the
// client timeout while a rollback runs. Card updates and the requester's
// 1:1 outcome are retried (an update carries the whole card, so sending
// it again is harmless), so the card ends showing the outcome and the
// requester hears it once.
func TestDingTalkFaults(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(s *settings) { s.Apps, s.DTTimeout = 1, time.Second })
	w.start("replica-a")
	w.start("replica-b")
	cases := []struct {
		name   string
		inject func()
	}{
		{"card updates answer 500 twice", func() { w.dt.InjectError(dingtalk.APIUpdateCard, 2, dingtalkemu.FaultSystemBusy) }},
		{"a card update hangs", func() { w.dt.HangNext(dingtalk.APIUpdateCard, 1) }},
		{"the outcome message answers 500", func() { w.dt.InjectError(dingtalk.APIBatchSendOTO, 1, dingtalkemu.FaultSystemBusy) }},
	}
	for _, c := range cases {
		id := w.request("web1", w.notLive("web1"))
		c.inject()
		w.approve(id)
		r := w.waitStatus(id, core.StatusSucceeded, patience)
		err := poll(patience, func() bool { return w.toldRequester(r) > 0 })
		assert.NoError(t, err, "%s: the requester hears the outcome", c.name)
		w.checkDeployedOnce(id)
	}
	w.checkSettled()
}

// TestCardCreationFails: DingTalk answers a transient 500 when the
// approval card is created. createAndDeliver is idempotent by outTrackId
// (a repeat answers param.cardAlreadyExist, which the transport treats as
// success), so it is safe to retry, and the card must reach the chat:
// approvers click it, and every later update of the release needs it.
func TestCardCreationFails(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(s *settings) { s.Apps = 1 })
	w.start("replica-a")
	w.dt.InjectError(dingtalk.APICreateAndDeliver, 1, dingtalkemu.Fault{Status: http.StatusInternalServerError,
		Code: "systemBusy", Message: "系统繁忙"})
	m := w.say(chat(1), "alice", "/rollback web1 v1 card creation fails once")
	w.handled([]sent{m}, patience)
	rs := w.byOrigin()[m.MsgID]
	require.Len(t, rs, 1, "the request made its release")
	err := w.dt.WaitFor(patience, func() bool { return w.cardCount()[rs[0].ID] == 1 })
	require.NoError(t, err, "the approval card reaches the chat despite one failed attempt")
	w.approveAll([]core.ReleaseID{rs[0].ID})
	w.checkSettled()
}
