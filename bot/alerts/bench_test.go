package alerts_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store/storetest"
)

// BenchmarkAlertToCard: an Alertmanager body posted to the web listener
// until the suggestion card exists at the DingTalk emulator (recorded,
// attributed, suggested, rendered, created over the OpenAPI). Each
// iteration first records a new release, so each alert makes a new card.
func BenchmarkAlertToCard(b *testing.B) {
	w := newWorld(b, storetest.Backends()[0], core.AlertSuggest)
	r := w.start("r1")
	n := 3
	var took []time.Duration
	for b.Loop() {
		b.StopTimer()
		n++
		w.release(r.eng, n)
		cards := len(w.cardsOfKind("suggestion"))
		b.StartTimer()
		start := time.Now()
		r.post(b, amBody("firing", fmt.Sprintf("fp-%d", n), time.Now()))
		require.NoError(b, w.emu.WaitFor(wait, func() bool { return len(w.cardsOfKind("suggestion")) > cards }))
		took = append(took, time.Since(start))
	}
	reportP99(b, took)
}

// reportP99 adds the 99th percentile of the iterations as p99-ms.
func reportP99(b *testing.B, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkAlertToLiveAuto: with on_alert: auto, an Alertmanager body
// posted until the previous artifact is live on the target.
func BenchmarkAlertToLiveAuto(b *testing.B) {
	w := newWorld(b, storetest.Backends()[0], core.AlertAuto)
	w.noFreeze = true
	r := w.start("r1")
	n := 3
	for b.Loop() {
		b.StopTimer()
		n++
		w.release(r.eng, n)
		away := fmt.Sprintf("web/manifest.%d.json", n)
		b.StartTimer()
		r.post(b, amBody("firing", fmt.Sprintf("fp-%d", n), time.Now()))
		w.waitLiveNot(b, away)
		b.StopTimer()
		w.idle(b, r)
		b.StartTimer()
	}
}

// BenchmarkBareDeploy is the same rollback requested by a person with a
// policy that needs no approval: the engine and target alone, the
// baseline BenchmarkAlertToLiveAuto is compared with.
func BenchmarkBareDeploy(b *testing.B) {
	w := newWorld(b, storetest.Backends()[0], core.AlertSuggest)
	w.noFreeze, w.noApproval = true, true
	r := w.start("r1")
	n := 3
	for b.Loop() {
		b.StopTimer()
		n++
		w.release(r.eng, n)
		away := fmt.Sprintf("web/manifest.%d.json", n)
		b.StartTimer()
		_, err := r.eng.RequestRollback(context.Background(), core.RollbackRequest{Actor: core.Actor{StaffID: "alice",
			Origin: core.OriginText, MsgID: fmt.Sprintf("bench-%d", n)}, App: "web", Reason: "bench"})
		require.NoError(b, err)
		w.waitLiveNot(b, away)
		b.StopTimer()
		w.idle(b, r)
		b.StartTimer()
	}
}

// waitLiveNot waits until the target no longer runs ref: the rollback
// made the previous good artifact live.
func (w *world) waitLiveNot(b *testing.B, ref string) {
	require.Eventually(b, func() bool {
		a, err := w.dep.Live(context.Background())
		return err == nil && a.Ref != ref
	}, wait, 50*time.Microsecond)
}

// idle waits until web has no unfinished release.
func (w *world) idle(b *testing.B, r *replica) {
	require.Eventually(b, func() bool {
		_, err := r.store.Active(context.Background(), "web")
		return errors.Is(err, core.ErrNotFound)
	}, wait, time.Millisecond)
}
