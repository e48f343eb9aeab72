package stream

import (
	"context"
	"fmt"
	"runtime/pprof"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// BenchmarkCommandToCard measures, for 1, 50 and 200 chats, the time from a
// `/rollback` entering the emulator's websocket to the approval card at its
// card API, through the real stream SDK, transport, bot, engine and store.
// "burst": every chat sends at the same instant; "spread": the chats send
// at even intervals over one second (200 chats = 200 requests a second).
// docs/benchmarks.md records p50 and p99.
func BenchmarkCommandToCard(b *testing.B) {
	for _, be := range storetest.Backends() {
		for _, mode := range []time.Duration{0, time.Second} {
			for _, chats := range []int{1, 50, 200} {
				name := "burst"
				if mode > 0 {
					name = "spread"
				}
				b.Run(fmt.Sprintf("%s/%s/chats=%d", be.Name, name, chats), func(b *testing.B) { benchChats(b, be, chats, mode) })
			}
		}
	}
}

func benchChats(b *testing.B, be storetest.Backend, chats int, spread time.Duration) {
	w := newBenchWorld(b, be, chats)
	var all []time.Duration
	for b.Loop() {
		all = append(all, w.round(b, spread)...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	b.ReportMetric(ms(all[len(all)/2]), "p50-ms")
	b.ReportMetric(ms(all[min(len(all)-1, len(all)*99/100)]), "p99-ms")
	w.meter.report(b, len(all), be.Name == "postgres")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type benchWorld struct {
	tr    *Transport
	store *store.Store
	emu   *dingtalkemu.Server
	eng   *core.Engine
	chats int
	meter *cpuMeter
}

// newBenchWorld runs one replica with one app per chat, each with two
// recorded releases (v2 live).
func newBenchWorld(b testing.TB, be storetest.Backend, chats int) *benchWorld {
	emu := dingtalkemu.New(dingtalkemu.Options{Templates: []string{template}, Window: 256})
	var err error
	sideLabel("emu", func() { err = emu.Start() })
	require.NoError(b, err)
	b.Cleanup(emu.Close)
	s := storetest.Open(b, be.DSN(b), nil)
	meter := &cpuMeter{}
	s.AddQueryHook(&meter.q)
	var apps []*core.App
	deps := map[string]core.Deployer{}
	for i := range chats {
		name := fmt.Sprintf("app%03d", i)
		apps = append(apps, &core.App{Name: name, Target: core.TargetOSS, Chats: []string{"cid-" + name},
			Releasers: []string{"alice"}, Approvers: []string{"bob"}, Policy: core.DefaultPolicy()})
		d := coretest.NewDeployer(name+"/m1.json", name+"/m2.json")
		d.SetLive(core.Artifact{Kind: core.TargetOSS, Ref: name + "/m2.json"})
		deps[name] = d
	}
	eng, err := core.NewEngine(core.Config{Apps: apps, Releases: s, Locks: s, Audit: s, Deployers: deps, Clock: core.WallClock{}})
	require.NoError(b, err)
	for _, a := range apps {
		for _, ref := range []string{a.Name + "/m1.json", a.Name + "/m2.json"} {
			_, _, err := eng.Record(context.Background(), core.RecordRequest{Actor: core.Actor{StaffID: "ci"}, App: a.Name,
				Artifact: core.Artifact{Kind: core.TargetOSS, Ref: ref}})
			require.NoError(b, err)
		}
	}
	bt, err := bot.New(bot.Config{Engine: eng, Clock: core.WallClock{}})
	require.NoError(b, err)
	api, err := dingtalk.New(emu.ClientConfig())
	require.NoError(b, err)
	tr, err := New(Config{Bot: bt, API: api, Releases: eng, Store: s, CardTemplateID: template, Handlers: 16, Clock: core.WallClock{}})
	require.NoError(b, err)
	eng.SetNotifier(tr.Notifier())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = tr.Run(ctx); close(done) }()
	b.Cleanup(func() { cancel(); <-done; tr.Close() })
	require.Eventually(b, tr.Connected, wait, 5*time.Millisecond)
	return &benchWorld{tr: tr, store: s, emu: emu, eng: eng, chats: chats, meter: meter}
}

// round sends one rollback request from every chat at once and returns
// each one's time to its card; then it rejects them, untimed. The cost
// metrics cover the sending until every message is marked done.
func (w *benchWorld) round(b *testing.B, spread time.Duration) []time.Duration {
	before := w.emu.CardCount()
	var sent []time.Time
	func() {
		w.meter.start()
		defer w.meter.stop() // also when send fails the benchmark: the profile must stop
		sideLabel("bench", func() { sent = w.send(b, before, spread) })
	}()
	b.StopTimer()
	defer b.StartTimer()
	return w.collect(b, before, sent)
}

// send has every chat send its request and waits for the cards and for
// every message to be done.
func (w *benchWorld) send(b *testing.B, before int, spread time.Duration) []time.Time {
	sent := make([]time.Time, w.chats)
	var wg sync.WaitGroup
	for i := range w.chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("app%03d", i)
			time.Sleep(spread * time.Duration(i) / time.Duration(w.chats))
			sent[i] = time.Now()
			_, err := w.emu.SendText(dingtalkemu.BotMessage{ConversationID: "cid-" + name, Group: true,
				SenderStaffID: "alice", SenderNick: "alice", Text: fmt.Sprintf("/rollback %s v1", name)})
			require.NoError(b, err)
		}()
	}
	wg.Wait()
	if err := w.emu.WaitFor(wait, func() bool { return w.emu.CardCount() >= before+w.chats }); err != nil {
		b.Fatalf("cards: %v; replies: %+v; group: %+v", err, w.emu.Replies(), w.emu.GroupMessages())
	}
	ctx := pprof.WithLabels(context.Background(), pprof.Labels("side", "bench"))
	require.Eventually(b, func() bool {
		p, err := w.store.Inbox().Pending(ctx, time.Now().Add(time.Hour), 1)
		return err == nil && len(p) == 0
	}, wait, time.Millisecond)
	return sent
}

func (w *benchWorld) collect(b *testing.B, before int, sent []time.Time) []time.Duration {
	var out []time.Duration
	for _, c := range w.emu.Cards()[before:] {
		var i int
		_, _ = fmt.Sscanf(c.Data["app"], "app%03d", &i)
		out = append(out, c.CreatedAt.Sub(sent[i]))
		_, err := w.eng.Reject(context.Background(), core.Actor{StaffID: "bob", Origin: core.OriginText}, releaseID(c), "bench")
		require.NoError(b, err)
	}
	w.tr.notifier.waitIdle(wait) // the rejected cards' updates must not run into the next round
	return out
}
