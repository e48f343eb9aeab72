package faults

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/adapters/oss/ossemu"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// patience bounds waits for what normally takes milliseconds, with room
// for a machine running several test packages at once.
const patience = 30 * time.Second

// world is one DingTalk (the emulator), one PostgreSQL database, one OSS
// bucket (the emulator) and the dingops processes running on them.
type world struct {
	t      *testing.T
	ctx    context.Context
	set    settings
	bin    string
	dir    string
	dsn    string // direct, admin-free DSN of the world's database
	dt     *dingtalkemu.Server
	oss    *ossemu.Server
	ossURL string
	gate   *ossGate
	// scriptDir is web1's script target (settings.Script): deploy.sh and
	// the files it keeps, see scriptTarget.
	scriptDir string
	st        *store.Store // the test's own view of the database

	mu       sync.Mutex
	replicas []*replica
}

// newWorld makes a world: emulators started, the database migrated, and
// two releases of every app recorded with `dingops record` (v2 live).
func newWorld(t *testing.T, change ...func(*settings)) *world {
	dsn := storetest.PostgresDSN(t) // skips without DINGOPS_TEST_POSTGRES_DSN
	bin := dingops(t)
	slots <- struct{}{}
	t.Cleanup(func() { <-slots })
	set := defaults()
	for _, f := range change {
		f(&set)
	}
	w := &world{t: t, ctx: context.Background(), set: set, bin: bin, dir: t.TempDir(), dsn: dsn}
	w.startDingTalk()
	w.startOSS()
	if set.Script {
		w.startScript()
	}
	w.seed()
	t.Cleanup(w.stopAll)
	t.Cleanup(func() {
		if t.Failed() {
			w.dump()
		}
	})
	return w
}

func (w *world) startDingTalk() {
	w.dt = dingtalkemu.New(dingtalkemu.Options{Templates: []string{cardTemplate}, AckTimeout: w.set.AckTimeout,
		Duplicates: w.set.Duplicates})
	require.NoError(w.t, w.dt.Start())
	w.t.Cleanup(w.dt.Close)
}

// startOSS serves the OSS emulator behind a gate that can hold a copy.
func (w *world) startOSS() {
	w.oss = ossemu.New(ossemu.Options{Buckets: []string{ossBucket}, Region: ossRegion,
		Credentials: map[string]string{ossAK: ossSecret}, MaxLog: 100000})
	w.gate = &ossGate{next: w.oss}
	srv := httptest.NewServer(w.gate)
	w.ossURL = srv.URL
	w.t.Cleanup(func() { _ = w.oss.Close(); srv.Close() })
	immutable := http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"public, max-age=31536000, immutable"}}
	for i := 1; i <= w.set.Apps; i++ {
		for h := 1; h <= 2; h++ {
			w.oss.Seed(ossBucket, manifest(app(i), h), []byte(fmt.Sprintf(`{"main":"%s.h%d.js"}`, app(i), h)), immutable)
		}
		live := http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-cache"},
			"X-Oss-Meta-Dingops-Source": {manifest(app(i), 2)}}
		w.oss.Seed(ossBucket, app(i)+"/manifest.json", []byte(fmt.Sprintf(`{"main":"%s.h2.js"}`, app(i))), live)
	}
}

func manifest(app string, h int) string { return fmt.Sprintf("%s/manifest.h%d.json", app, h) }

// seed migrates the database and records v1 and v2 of every app, as CI
// would with `dingops record`; v2 is live on the target too.
func (w *world) seed() {
	cfg := w.writeConfig("seed", "127.0.0.1:0", "127.0.0.1:0")
	w.run("migrate", "--config", cfg)
	for i := 1; i <= w.set.Apps; i++ {
		for h := 1; h <= 2; h++ {
			w.run("record", "--config", cfg, "--app", app(i), "--artifact", manifest(app(i), h), "--by", "alice",
				"--key", fmt.Sprintf("%s-h%d", app(i), h))
		}
	}
	st, err := store.Open(w.ctx, w.dsn, store.Options{})
	require.NoError(w.t, err)
	st.DB().SetMaxOpenConns(4)
	w.st = st
	w.t.Cleanup(func() { _ = st.Close() })
}

// run runs a one-shot dingops command that must succeed.
func (w *world) run(args ...string) {
	cmd := exec.Command(w.bin, args...)
	cmd.Env = w.env(w.dsn)
	out, err := cmd.CombinedOutput()
	require.NoError(w.t, err, "dingops %v: %s", args, out)
}

// env is a dingops process's environment: the secrets and its DSN.
func (w *world) env(dsn string) []string {
	return append(os.Environ(), envDSN+"="+dsn, envDTSecret+"="+dingtalkemu.DefaultClientSecret, envOSS+"="+ossSecret)
}

// ossGate passes requests to the OSS emulator; a test may set a hook that
// runs before each CopyObject is served (to stall a replica's database at
// the moment its deploy lands, say).
type ossGate struct {
	next http.Handler
	mu   sync.Mutex
	hook func(r *http.Request)
}

func (g *ossGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	hook := g.hook
	g.mu.Unlock()
	if hook != nil && r.Method == http.MethodPut && r.Header.Get("X-Oss-Copy-Source") != "" {
		hook(r)
	}
	g.next.ServeHTTP(w, r)
}

func (g *ossGate) onCopy(f func(r *http.Request)) {
	g.mu.Lock()
	g.hook = f
	g.mu.Unlock()
}
