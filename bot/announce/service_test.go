package announce

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// openOnly is a web-ops group told when the daytime window opens.
func openOnly() []Post { return testPosts("zh")[postOpen : postOpen+1] }

func sent(rs []Result) int {
	n := 0
	for _, r := range rs {
		if r.Sent {
			n++
		}
	}
	return n
}

// TestGraceCatchUp: with every replica down at 10:00, a replica sweeping
// at 10:05 still announces the opening; one sweeping at 12:05 (2 h late)
// does not, and logs that it skipped it.
func TestGraceCatchUp(t *testing.T) {
	open := cst(9, 28, 10, 0)
	t.Run("5 minutes late is sent", func(t *testing.T) {
		f := newFixture(t, startEmulator(t), storetest.SQLiteDSN(t), coretest.NewClock(open.Add(5*time.Minute)), "r", openOnly())
		res := f.svc.Sweep(f.ctx)
		require.Len(t, res, 1)
		assert.True(t, res[0].Sent)
		assert.Equal(t, open, res[0].At, "keyed on the scheduled time, not on now")
		msgs := f.emu.GroupMessages()
		require.Len(t, msgs, 1)
		assert.Contains(t, msgs[0].Param["text"], "窗口 12:00 关闭")
		assert.False(t, f.svc.Sweep(f.ctx)[0].Sent, "a second sweep sends nothing")
		assert.Len(t, f.emu.GroupMessages(), 1)
	})
	t.Run("2 hours late is skipped", func(t *testing.T) {
		f := newFixture(t, startEmulator(t), storetest.SQLiteDSN(t), coretest.NewClock(open.Add(2*time.Hour+5*time.Minute)), "r", openOnly())
		f.svc.reportMissed(f.ctx)
		assert.Empty(t, f.svc.Sweep(f.ctx))
		assert.Empty(t, f.emu.GroupMessages())
		assert.Contains(t, f.logs.String(), "announcement missed while no replica ran; older than the grace, not sent")
		res := f.svc.due(f.ctx, fire{post: postOpen, at: open}, f.clock.Now())
		assert.Equal(t, "missed beyond the grace", res.Skipped, "a cron job woken late applies the grace too")
		_, err := f.store.Announcement(f.ctx, res.Key, open)
		require.ErrorIs(t, err, core.ErrNotFound)
	})
}

// TestRunCatchesUpAtStart: Run sweeps as soon as it starts, and returns
// when its context ends.
func TestRunCatchesUpAtStart(t *testing.T) {
	f := newFixture(t, startEmulator(t), storetest.SQLiteDSN(t), coretest.NewClock(cst(9, 28, 10, 3)), "r", openOnly())
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error, 1)
	go func() { done <- f.svc.Run(ctx) }()
	msgs, err := f.emu.WaitGroupMessages(wait, 1)
	require.NoError(t, err)
	assert.Equal(t, "cidWebOps==", msgs[0].ConversationID)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(wait):
		t.Fatal("Run did not return after its context ended")
	}
}

// TestSendFailureIsRecordedAndRetried: DingTalk answers 500 once; the row
// records the failure, nobody retries before RetryAfter, then a sweep
// sends it and the emulator has it once.
func TestSendFailureIsRecordedAndRetried(t *testing.T) {
	open := cst(9, 28, 10, 0)
	f := newFixture(t, startEmulator(t), storetest.SQLiteDSN(t), coretest.NewClock(open.Add(10*time.Second)), "r", openOnly())
	f.emu.InjectError(dingtalk.APIOrgGroupSend, 1, dingtalkemu.FaultSystemBusy)
	res := f.svc.Sweep(f.ctx)
	require.Len(t, res, 1)
	require.Error(t, res[0].Err)
	rec := f.record(res[0].Key, open)
	assert.Equal(t, store.AnnouncementFailed, rec.Status)
	assert.Contains(t, rec.Error, "systemBusy")

	f.clock.Advance(30 * time.Second)
	assert.Zero(t, sent(f.svc.Sweep(f.ctx)), "not before RetryAfter")
	f.clock.Advance(30 * time.Second)
	assert.Equal(t, 1, sent(f.svc.Sweep(f.ctx)))
	rec = f.record(res[0].Key, open)
	assert.Equal(t, store.AnnouncementSent, rec.Status)
	assert.Equal(t, 2, rec.Attempts)
	assert.Len(t, f.emu.GroupMessages(), 1)
}

// TestFailuresStopAtTheGrace: a send that keeps failing is retried until
// the grace ends, then left failed, not retried forever.
func TestFailuresStopAtTheGrace(t *testing.T) {
	open := cst(9, 28, 10, 0)
	f := newFixture(t, startEmulator(t), storetest.SQLiteDSN(t), coretest.NewClock(open), "r", openOnly())
	f.emu.InjectError(dingtalk.APIOrgGroupSend, 100, dingtalkemu.FaultSystemBusy)
	for range 15 {
		f.svc.Sweep(f.ctx)
		f.clock.Advance(time.Minute)
	}
	rec := f.record(f.svc.posts[postOpen].key, open)
	assert.Equal(t, store.AnnouncementFailed, rec.Status)
	assert.Equal(t, 11, rec.Attempts, "once a minute from 10:00 to 10:10")
	assert.Empty(t, f.emu.GroupMessages())
}

// TestFireOnDemand is the playground's button: the same guard, no grace.
func TestFireOnDemand(t *testing.T) {
	f := newFixture(t, startEmulator(t), storetest.SQLiteDSN(t), coretest.NewClock(cst(9, 30, 12, 0)), "r", testPosts("en"))
	res, err := f.svc.Fire(f.ctx, postFreezeTomorrow, cst(9, 30, 17, 0))
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.True(t, res[0].Sent)
	assert.Contains(t, res[0].Message.Text, "国庆节")
	res, err = f.svc.Fire(f.ctx, postFreezeTomorrow, cst(9, 30, 17, 0))
	require.NoError(t, err)
	assert.False(t, res[0].Sent, "the same scheduled time is sent once")
	res, err = f.svc.Fire(f.ctx, postFreezeTomorrow, cst(9, 29, 17, 0))
	require.NoError(t, err)
	assert.Equal(t, "no holiday or freeze starts tomorrow", res[0].Skipped)
	_, err = f.svc.Fire(f.ctx, 99, cst(9, 29, 17, 0))
	require.Error(t, err)
	assert.Len(t, f.emu.GroupMessages(), 1)
}

func TestNewRefusesBadPosts(t *testing.T) {
	f := newFixture(t, startEmulator(t), storetest.SQLiteDSN(t), coretest.NewClock(cst(9, 30, 12, 0)), "r", nil)
	cases := map[string]Post{
		"no conversation": {Kind: WindowOpen, Apps: []string{"web"}},
		"no before":       {ConversationID: "c", Kind: WindowClosing, Apps: []string{"web"}},
		"zone prefix":     {ConversationID: "c", Kind: FreezeOver, Schedule: "CRON_TZ=Asia/Shanghai"},
		"bad cron":        {ConversationID: "c", Kind: FreezeOver, Schedule: "0 25 * * *"},
		"digest no apps":  {ConversationID: "c", Kind: WeeklyDigest, Schedule: "0 10 * * 1"},
		"unknown kind":    {ConversationID: "c", Kind: "weekly_poem"},
	}
	for name, p := range cases {
		_, err := New(f.config(dingtalkSender{}, "r", []Post{p}, testCalendar(t)))
		assert.Error(t, err, name)
	}
}

// dingtalkSender never gets called; it only satisfies Sender.
type dingtalkSender struct{}

func (dingtalkSender) SendGroupMessage(context.Context, string, dingtalk.Message) (string, error) {
	return "", nil
}

var _ Sender = (*dingtalk.Client)(nil)
