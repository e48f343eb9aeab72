package announce

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// panicOnce panics on its first send, as generated SDK code can, then
// sends through the real client.
type panicOnce struct {
	next  Sender
	mu    sync.Mutex
	calls int
}

func (p *panicOnce) SendGroupMessage(ctx context.Context, id string, m dingtalk.Message) (string, error) {
	p.mu.Lock()
	p.calls++
	n := p.calls
	p.mu.Unlock()
	if n == 1 {
		panic("boom")
	}
	return p.next.SendGroupMessage(ctx, id, m)
}

// TestCronChainSurvivesPanic runs the real cron loop with a per-second
// digest whose first send panics: Recover logs it, the row records it, and
// the next second's run still sends (with Recover outside
// SkipIfStillRunning, Skip's token would be lost and no run would follow).
// It takes about two seconds of real time.
func TestCronChainSurvivesPanic(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t)
	f := newFixture(t, emu, storetest.SQLiteDSN(t), coretest.NewClock(time.Now()), "r", nil)
	client, err := dingtalk.New(emu.ClientConfig())
	require.NoError(t, err)
	posts := []Post{{Chat: "platform", ConversationID: "cidPlatform==", Kind: WeeklyDigest, Apps: []string{"web"}, Schedule: "* * * * * *"}}
	cfg := f.config(&panicOnce{next: client}, "r", posts, testCalendar(t))
	cfg.Clock = core.WallClock{}
	seconds := cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)
	svc, err := newService(cfg, seconds)
	require.NoError(t, err)

	start := time.Now()
	ctx, cancel := context.WithCancel(f.ctx)
	c := svc.startCron(ctx)
	var recs []store.Announcement
	sentOne := func() bool {
		recs, err = f.store.Announcements(f.ctx, start.Add(-time.Second), time.Now().Add(time.Second))
		return err == nil && len(recs) >= 2 && recs[1].Status == store.AnnouncementSent
	}
	require.Eventually(t, sentOne, 5*time.Second, 20*time.Millisecond, "the job kept running after the panic")
	cancel()
	<-c.Stop().Done()
	assert.Contains(t, f.logs.String(), "cron: panic")
	assert.NotEmpty(t, emu.GroupMessages())
	assert.Equal(t, store.AnnouncementFailed, recs[0].Status)
	assert.Equal(t, "panic: boom", recs[0].Error, "the panic is recorded, not left silently claimed")
	assert.Equal(t, store.AnnouncementSent, recs[1].Status)
	assert.Zero(t, recs[1].FireAt.Nanosecond(), "keyed on the scheduled second (Entry.Prev), not on when the job ran")
}
