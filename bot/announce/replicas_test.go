package announce

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// TestTwoReplicasSendEachOnce runs two services, each with its own store
// connection pool and DingTalk client, over one database and one clock,
// through two weeks around 中秋节 and 国庆节. Both sweep at every scheduled
// time (a little late, as real wake-ups are), at the same moment; every
// announcement reaches the emulator exactly once.
func TestTwoReplicasSendEachOnce(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			emu := startEmulator(t)
			dsn := b.DSN(t)
			from, to := cst(9, 23, 8, 0), cst(10, 9, 9, 0)
			clock := coretest.NewClock(from)
			ra := newFixture(t, emu, dsn, clock, "replica-a", testPosts("zh"))
			rb := newFixture(t, emu, dsn, clock, "replica-b", testPosts("zh"))
			seedDigest(t, ra.store)

			jitter := []time.Duration{0, 40 * time.Second, 2 * time.Minute, 5 * time.Second, 3 * time.Minute}
			for i, s := range ra.svc.Upcoming(from, to) {
				ra.set(s.At.Add(jitter[i%len(jitter)]))
				var wg sync.WaitGroup
				for _, r := range []*fixture{ra, rb} {
					wg.Go(func() {
						for _, res := range r.svc.Sweep(r.ctx) {
							assert.NoError(t, res.Err, res.Key)
						}
					})
				}
				wg.Wait()
			}

			rows, err := rb.store.Announcements(rb.ctx, from, to)
			require.NoError(t, err)
			var lines []string
			for _, r := range rows {
				assert.Equal(t, store.AnnouncementSent, r.Status, r.Key)
				assert.Equal(t, 1, r.Attempts, r.Key)
				lines = append(lines, fmt.Sprintf("%s  %s", r.FireAt.In(shanghai).Format("01-02 Mon 15:04"), r.Key))
			}
			golden(t, "timeline.txt", strings.Join(lines, "\n")+"\n")

			msgs := emu.GroupMessages()
			require.Len(t, msgs, len(rows), "one group message per announcement")
			byChat := map[string]int{}
			for _, m := range msgs {
				byChat[m.ConversationID]++
				assert.Equal(t, "sampleMarkdown", m.MsgKey)
				assert.Contains(t, m.Param["text"], "时区：Asia/Shanghai")
			}
			assert.Equal(t, map[string]int{"cidWebOps==": len(rows) - 2, "cidPlatform==": 2}, byChat)
		})
	}
}
