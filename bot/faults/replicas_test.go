package faults

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestSeveralReplicas: two and three `dingops serve` processes on one
// database and one DingTalk, which spreads 100 mixed messages from several
// chats across their connections. Every command is answered once, one
// rollback per app is accepted and the rest refused, every approval is
// deployed once, and every announcement is sent once: the digests of the
// last ten minutes, which every replica's start-up sweep races for, and
// (with three replicas, or with DINGOPS_LONG=1) the next minute's window
// opening and digest, which their timers race for.
func TestSeveralReplicas(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprintf("%d replicas", n), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, func(s *settings) { s.Apps, s.Announce = 3, true })
			var names []string
			for i := 1; i <= n; i++ {
				names = append(names, fmt.Sprintf("replica-%d", i))
			}
			rs := w.startAll(names...)
			since := time.Now()

			first := w.mixedBurst(100, 1)
			w.handled(first, 2*patience)
			ids := w.checkAnswered(first)
			require.Len(t, ids, w.set.Apps, "one rollback per app accepted, the others refused")
			w.checkRefusedActive(first, ids)
			w.checkSpread(first, rs)
			w.approveAll(ids)

			second := w.mixedBurst(20, 2)
			w.handled(second, 2*patience)
			more := w.checkAnswered(second)
			require.Len(t, more, w.set.Apps)
			w.approveAll(more)

			w.checkDeployedOnce(append(ids, more...)...)
			w.checkLive()
			w.checkSettled()
			w.checkAnnouncements(since, n == 3 || long())
		})
	}
}

// mixedBurst types n messages at once, round-robin over the app chats:
// /status, /whoami, /history, a rollback to version v, /status of the app.
func (w *world) mixedBurst(n, v int) []sent {
	var out []sent
	for k := range n {
		a := app(k%w.set.Apps + 1)
		var text, who string
		switch k / w.set.Apps % 5 {
		case 0:
			text, who = "/status", "dave"
		case 1:
			text, who = "/whoami", "erin"
		case 2:
			text, who = "/history "+a+" 5", "bob"
		case 3:
			text, who = fmt.Sprintf("/rollback %s v%d burst %d", a, v, k), "alice"
		default:
			text, who = "/status "+a, "carol"
		}
		out = append(out, w.say("cid-"+a, who, text))
	}
	return out
}

// checkRefusedActive: every rollback request but the accepted ones was
// refused because its app already had one in progress.
func (w *world) checkRefusedActive(msgs []sent, accepted []core.ReleaseID) {
	w.t.Helper()
	origins := w.byOrigin()
	for _, m := range msgs {
		if !isRollback(m.Text) || len(origins[m.MsgID]) > 0 {
			continue
		}
		replies := w.repliesTo(m.MsgID)
		if assert.Len(w.t, replies, 1) {
			assert.Contains(w.t, replies[0], "already has", "%q refused as active_exists", m.Text)
		}
	}
}

// checkSpread: DingTalk spread the messages over every replica.
func (w *world) checkSpread(msgs []sent, rs []*replica) {
	w.t.Helper()
	by := map[string]int{}
	for _, m := range msgs {
		rec, err := w.st.Inbox().Get(w.ctx, m.MsgID)
		require.NoError(w.t, err)
		by[rec.Owner]++
	}
	for _, r := range rs {
		assert.Positive(w.t, by[r.id], "%s handled some messages: %v", r.name, by)
	}
}

// approveAll approves each release and waits until each is live.
func (w *world) approveAll(ids []core.ReleaseID) {
	w.t.Helper()
	for _, id := range ids {
		w.approve(id)
	}
	for _, id := range ids {
		w.waitStatus(id, core.StatusSucceeded, patience)
	}
}

// TestLockAcrossReplicas: two rollback requests for one app, typed at the
// same moment and handled by two different processes: one is accepted,
// the other refused with active_exists, and the accepted one is deployed
// once.
func TestLockAcrossReplicas(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, b := w.start("replica-a"), w.start("replica-b")
	require.NotEmpty(t, a.conn)
	require.NotEmpty(t, b.conn)
	// DingTalk picks a connection at random per push; the test names one
	// for each message so the two always meet on two processes, with acks
	// slowed so both are in flight at once.
	w.dt.DelayAcks(time.Second)
	m1 := w.sayOn(a.conn, chat(1), "alice", "/rollback web1 v1 first")
	m2 := w.sayOn(b.conn, chat(1), "alice", "/rollback web1 v1 second")
	w.handled([]sent{m1, m2}, patience)
	w.dt.DelayAcks(0)

	owners := map[string]bool{}
	for _, m := range []sent{m1, m2} {
		rec, err := w.st.Inbox().Get(w.ctx, m.MsgID)
		require.NoError(t, err)
		owners[rec.Owner] = true
	}
	assert.Equal(t, map[string]bool{a.id: true, b.id: true}, owners, "the two requests ran in two processes")
	ids := w.checkAnswered([]sent{m1, m2})
	require.Len(t, ids, 1, "one request accepted")
	w.checkRefusedActive([]sent{m1, m2}, ids)
	w.approveAll(ids)
	w.checkDeployedOnce(ids...)
	w.checkSettled()
}

// announcementKinds are the posts the world configures, by title.
var announcementKinds = map[string]string{"window_open": "🟢 Release window open", "weekly_digest": "📊 Weekly release digest"}

// checkAnnouncements checks that each scheduled fire was sent exactly
// once: every fire due since the replicas started was sent, DingTalk got
// as many posts of each kind as the store has sent records (one per post
// and fire time), and none failed. With live, it first waits (up to a
// minute) for a window opening and a digest scheduled after every replica
// was up, so that their timers raced for them.
func (w *world) checkAnnouncements(since time.Time, live bool) {
	t := w.t
	t.Helper()
	if live {
		err := poll(80*time.Second, func() bool {
			recent := w.announcements(since)
			return recent["window_open"] > 0 && recent["weekly_digest"] > 0
		})
		require.NoError(t, err, "a window opening and a digest after the start: %v", w.announcements(since))
	}
	// The start-up sweep runs after a report of the last day's missed
	// fires, which takes seconds with a post every minute.
	var missing []string
	err := poll(time.Minute, func() bool { missing = w.missingFires(since); return len(missing) == 0 })
	assert.NoError(t, err, "every fire due since the start was sent; missing %v", missing)
	// A fire may be under way: posts are read before records, and a send
	// posts between its claim ("sending") and its record ("sent"), so a
	// settled reading has no record sending; a double send never settles.
	var recs, posts map[string]int
	err = poll(patience, func() bool {
		posts, recs = w.announcementPosts(), w.announcements(time.Time{})
		return recs["sending"] == 0 && recs["window_open"] == posts["window_open"] &&
			recs["weekly_digest"] == posts["weekly_digest"]
	})
	t.Logf("announcement records %v, posts %v", recs, posts)
	assert.NoError(t, err, "one post per scheduled fire: records %v, posts %v", recs, posts)
	assert.Zero(t, recs["failed"], "no send failed")
}

// announcementPosts counts DingTalk's posts in the ops chat by kind.
func (w *world) announcementPosts() map[string]int {
	posts := map[string]int{}
	for _, m := range w.dt.GroupMessages() {
		if m.ConversationID != opsChat {
			continue
		}
		for kind, title := range announcementKinds {
			if m.Param["title"] == title {
				posts[kind]++
			}
		}
	}
	return posts
}

// announcements counts the sent records of each kind scheduled at or
// after from, and the records still sending or failed.
func (w *world) announcements(from time.Time) map[string]int {
	recs, err := w.st.Announcements(w.ctx, from, time.Now().Add(time.Hour))
	require.NoError(w.t, err)
	out := map[string]int{}
	for _, r := range recs {
		kind, _, _ := strings.Cut(r.Key, "/")
		if r.Status == "sent" {
			out[kind]++
		} else {
			out[r.Status]++
		}
	}
	return out
}

// missingFires lists the fires due since the replicas started that have
// no sent record: the digest of every minute within the start-up sweep's
// ten-minute grace and after, and the window opening of every minute
// after the start (earlier windows had closed).
func (w *world) missingFires(since time.Time) []string {
	recs, err := w.st.Announcements(w.ctx, since.Add(-10*time.Minute), time.Now().Add(time.Minute))
	require.NoError(w.t, err)
	sent := map[string]bool{}
	for _, r := range recs {
		kind, _, _ := strings.Cut(r.Key, "/")
		sent[kind+r.FireAt.UTC().Format(time.RFC3339)] = r.Status == "sent"
	}
	var missing []string
	due := time.Now().Add(-5 * time.Second)
	for m := since.Add(-9 * time.Minute).Truncate(time.Minute).Add(time.Minute); m.Before(due); m = m.Add(time.Minute) {
		for kind := range announcementKinds {
			if (kind == "weekly_digest" || m.After(since)) && !sent[kind+m.UTC().Format(time.RFC3339)] {
				missing = append(missing, kind+" "+m.Format(time.TimeOnly))
			}
		}
	}
	return missing
}
