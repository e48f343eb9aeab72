package e2e

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	alioss "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// switched wraps the OSS deployer and reports when each deploy returned,
// i.e. when the fixed key holds the new manifest.
type switched struct {
	core.Deployer
	done chan time.Time
}

func (s *switched) Deploy(ctx context.Context, req core.DeployRequest) error {
	err := s.Deployer.Deploy(ctx, req)
	s.done <- time.Now()
	return err
}

// BenchmarkApproveToLive measures, from the Approve click to the OSS fixed
// key switched, the whole engine path (decision, wake, claim, the one
// CopyObject), beside a bare SDK CopyObject to the same emulator in the same
// run, with the emulator's round trip at 0 and 20 ms. docs/benchmarks.md
// records the numbers.
func BenchmarkApproveToLive(b *testing.B) {
	for _, be := range storetest.Backends() {
		for _, delay := range []time.Duration{0, 20 * time.Millisecond} {
			b.Run(fmt.Sprintf("%s/rtt=%s", be.Name, delay), func(b *testing.B) {
				s := storetest.Open(b, be.DSN(b), coretest.NewClock(time.Now()))
				emu, d, arts := ossTarget(b)
				emu.SetDelay(delay)
				bare := bareCopy(b, emu.URL(), arts[0].Ref)
				engine := timeEngine(b, s, d, arts, delay)
				b.ReportMetric(float64(bare.Microseconds())/1000, "bare-copy-ms")
				b.ReportMetric(float64(engine.p50.Microseconds())/1000, "approve-to-live-p50-ms")
				b.ReportMetric(float64(engine.p99.Microseconds())/1000, "approve-to-live-p99-ms")
				b.ReportMetric(float64(engine.p50)/float64(bare), "ratio-p50")
			})
		}
	}
}

type percentiles struct{ p50, p99 time.Duration }

func pct(ds []time.Duration) percentiles {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
	return percentiles{at(0.5), at(0.99)}
}

// bareCopy is the median of CopyObject calls made with the SDK directly.
func bareCopy(b *testing.B, endpoint, src string) time.Duration {
	client, err := alioss.New(endpoint, ak, sk, alioss.AuthVersion(alioss.AuthV4), alioss.Region("cn-hangzhou"))
	require.NoError(b, err)
	bkt, err := client.Bucket(bucket)
	require.NoError(b, err)
	var ds []time.Duration
	for range max(b.N, 5) {
		start := time.Now()
		_, err := bkt.CopyObject(src, "web/manifest.json", alioss.MetadataDirective(alioss.MetaReplace),
			alioss.CacheControl("no-cache"), alioss.ContentType("application/json"))
		require.NoError(b, err)
		ds = append(ds, time.Since(start))
	}
	return pct(ds).p50
}

// timeEngine times b.N rollbacks (alternating v1 and v2) from Approve to the
// switch, with a worker running as in `dingops serve`.
func timeEngine(b *testing.B, s *store.Store, d core.Deployer, arts [2]core.Artifact, delay time.Duration) percentiles {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sw := &switched{Deployer: d, done: make(chan time.Time, 1)}
	e := engineFor(b, s, "web", core.TargetOSS, sw)
	notes := coretest.NewNotifier()
	e.SetNotifier(notes)
	w := e.NewWorker(core.WorkerConfig{ID: "bench", Poll: time.Hour})
	e.SetWake(w.Wake)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = w.Run(ctx) }()
	defer func() { cancel(); wg.Wait() }()
	for _, a := range arts {
		_, _, err := e.Record(ctx, core.RecordRequest{Actor: alice, App: "web", Artifact: a})
		require.NoError(b, err)
	}
	require.NoError(b, d.Deploy(ctx, core.DeployRequest{App: "web", Artifact: arts[1], Log: nopWriter{}}))
	var ds []time.Duration
	b.ResetTimer()
	for i := range max(b.N, 5) {
		p, err := e.RequestRollback(ctx, core.RollbackRequest{Actor: alice, App: "web", Version: 1 + i%2, Reason: "bench"})
		require.NoError(b, err)
		start := time.Now()
		_, err = e.Approve(ctx, bob, p.Release.ID, "")
		require.NoError(b, err)
		ds = append(ds, (<-sw.done).Sub(start))
		_, ok := notes.WaitFor(p.Release.ID, core.StepSucceeded, 10*time.Second+delay)
		require.True(b, ok, "release %s did not finish", p.Release.ID)
	}
	b.StopTimer()
	return pct(ds)
}
