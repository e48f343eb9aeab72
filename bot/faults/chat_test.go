package faults

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// sent is one chat message a test typed.
type sent struct {
	Chat, Who, Text string
	MsgID           string
}

// say types text into a group chat as who; DingTalk queues it for one of
// the stream connections. It does not wait for the ack.
func (w *world) say(chatID, who, text string) sent {
	w.t.Helper()
	return w.sayOn("", chatID, who, text)
}

// sayOn is say with the push sent to connection conn ("" any).
func (w *world) sayOn(conn, chatID, who, text string) sent {
	w.t.Helper()
	dl, err := w.dt.SendText(dingtalkemu.BotMessage{ConversationID: chatID, Group: true, SenderStaffID: who,
		SenderNick: who, Text: text, ConnID: conn})
	require.NoError(w.t, err)
	return sent{Chat: chatID, Who: who, Text: text, MsgID: dl.MsgID}
}

// handled waits until every message is recorded and handled (its replies
// and cards are out by then: a message is marked done after its answer).
func (w *world) handled(msgs []sent, within time.Duration) {
	w.t.Helper()
	var left string
	err := poll(within, func() bool {
		for _, m := range msgs {
			rec, err := w.st.Inbox().Get(w.ctx, m.MsgID)
			if err != nil || rec.State != store.InboxDone {
				left = fmt.Sprintf("%s %q (err %v, state %q)", m.MsgID, m.Text, err, rec.State)
				return false
			}
		}
		return true
	})
	require.NoError(w.t, err, "every message handled; still waiting for %s", left)
}

// poll checks cond every 20 ms until it holds or within has passed.
func poll(within time.Duration, cond func() bool) error {
	deadline := time.Now().Add(within)
	for {
		if cond() {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("condition not met within " + within.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cardOf waits for the card of release id.
func (w *world) cardOf(id core.ReleaseID) dingtalkemu.Card {
	w.t.Helper()
	var card dingtalkemu.Card
	err := w.dt.WaitFor(patience, func() bool {
		for _, c := range w.dt.Cards() {
			if c.Data["release_id"] == strconv.FormatInt(int64(id), 10) {
				card = c
				return true
			}
		}
		return false
	})
	require.NoError(w.t, err, "the card of %s", id)
	return card
}

// click presses a button of release id's card as who.
func (w *world) click(id core.ReleaseID, who, action string) (dingtalkemu.ClickResult, error) {
	c := w.cardOf(id)
	ctx, cancel := context.WithTimeout(w.ctx, patience)
	defer cancel()
	return w.dt.ClickCard(ctx, dingtalkemu.Click{OutTrackID: c.OutTrackID, UserID: who,
		Params: map[string]any{"action": action, "release_id": strconv.FormatInt(int64(id), 10)}})
}

// approve clicks Approve as bob; the answer must show the decision.
func (w *world) approve(id core.ReleaseID) {
	w.t.Helper()
	res, err := w.click(id, "bob", "approve")
	require.NoError(w.t, err)
	require.NotNil(w.t, res.CardData, "the click's answer carries the decided card: %v", res.PrivateData)
	require.Contains(w.t, []string{"approved", "deploying", "succeeded"}, res.CardData["status"])
}

// waitStatus waits until release id has status and its card shows it.
func (w *world) waitStatus(id core.ReleaseID, status core.Status, within time.Duration) core.Release {
	w.t.Helper()
	var r core.Release
	err := poll(within, func() bool {
		var err error
		r, err = w.st.Release(w.ctx, id)
		return err == nil && r.Status == status
	})
	require.NoError(w.t, err, "%s reaches %s; it is %s (%s)", id, status, r.Status, r.Error)
	c := w.cardOf(id)
	_, err = w.dt.WaitCard(within, c.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == string(status) })
	require.NoError(w.t, err, "the card of %s shows %s", id, status)
	return r
}

// request asks for a rollback of app to version and returns the release
// once its card is out.
func (w *world) request(appName string, version int) core.ReleaseID {
	w.t.Helper()
	m := w.say("cid-"+appName, "alice", fmt.Sprintf("/rollback %s v%d faults test", appName, version))
	w.handled([]sent{m}, patience)
	rs := w.byOrigin()[m.MsgID]
	require.Len(w.t, rs, 1, "the request made one release: %v", w.repliesTo(m.MsgID))
	w.cardOf(rs[0].ID)
	return rs[0].ID
}

// byOrigin maps each chat message id to the releases it created.
func (w *world) byOrigin() map[string][]core.Release {
	w.t.Helper()
	out := map[string][]core.Release{}
	for i := 1; i <= w.set.Apps; i++ {
		rs, err := w.st.History(w.ctx, app(i), 0, 10000)
		require.NoError(w.t, err)
		for _, r := range rs {
			if r.OriginMsgID != "" {
				out[r.OriginMsgID] = append(out[r.OriginMsgID], r)
			}
		}
	}
	return out
}

// repliesTo lists the accepted session replies to a message.
func (w *world) repliesTo(msgID string) []string {
	var out []string
	for _, r := range w.dt.Replies() {
		if r.InReplyTo == msgID && r.ErrCode == 0 {
			out = append(out, r.Text)
		}
	}
	return out
}

// replyCount maps message ids to how many replies each got.
func (w *world) replyCount() map[string]int {
	out := map[string]int{}
	for _, r := range w.dt.Replies() {
		if r.ErrCode == 0 {
			out[r.InReplyTo]++
		}
	}
	return out
}

func isRollback(text string) bool { return strings.HasPrefix(text, "/rollback") }
