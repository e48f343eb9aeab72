package e2e

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/adapters/oss/ossemu"
	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// The world every test starts from.
const (
	chatID       = "cid-web"
	job          = "frontend/web" // a job in a folder, as most teams keep them
	jenkinsUser  = "dingops"
	jenkinsToken = "e2e-api-token"
	bucket       = "web-static"
	ossRegion    = "cn-hangzhou"
	ossAK        = "LTAIe2e"
	ossSecret    = "e2e-oss-secret"
	fixedKey     = "web/manifest.json"
	v1Key        = "web/manifest.0c1d2e.json"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// start is Thursday 2026-11-26 11:00 in Shanghai, inside web's 10:00–18:00
// release window on working days.
var start = time.Date(2026, 11, 26, 11, 0, 0, 0, shanghai)

// config tweaks a harness before it is built.
type config struct {
	policy     string // web's policy: YAML inside its policy: {…}
	noWorker   bool
	quotedETag bool
}

type option func(*config)

// withPolicy sets web's policy, YAML between the braces of `policy: {…}`
// (the configuration's defaults otherwise).
func withPolicy(yaml string) option { return func(c *config) { c.policy = yaml } }

// withoutWorker leaves the first replica's worker stopped; the test runs
// workers itself.
func withoutWorker() option { return func(c *config) { c.noWorker = true } }

// withQuotedETag makes builds write the manifest's ETag the way OSS sends
// it, in quotes, as the ArtifactFile example in adapters/jenkins shows.
func withQuotedETag() option { return func(c *config) { c.quotedETag = true } }

// harness is one world — store, clock, emulators, calendar, the chat the
// cards go to — and the dingops replicas running in it. The embedded
// replica is the first one; most tests talk to its bot only.
type harness struct {
	*replica
	t       *testing.T
	ctx     context.Context
	cfg     config
	clock   *coretest.Clock
	store   *store.Store
	jenkins *jenkinsemu.Server
	oss     *ossemu.Server
	chat    *chat
	v1      core.Release // the release live at the start (recorded from CI)
	msgs    atomic.Int64

	mu       sync.Mutex
	replicas []*replica
	built    map[string]string // release id → manifest key its build uploaded
}

// each runs f once per store backend (SQLite; PostgreSQL when
// DINGOPS_TEST_POSTGRES_DSN is set), each on a fresh world. It is
// storetest.Each with a clock per backend: the tests move the clock, and the
// PostgreSQL run must start at the same time as the SQLite one.
func each(t *testing.T, f func(t *testing.T, h *harness), opts ...option) {
	t.Parallel()
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			clock := coretest.NewClock(start)
			f(t, newHarness(t, storetest.Open(t, b.DSN(t), clock), clock, opts...))
		})
	}
}

func newHarness(t *testing.T, s *store.Store, clock *coretest.Clock, opts ...option) *harness {
	h := &harness{t: t, ctx: context.Background(), clock: clock, store: s, chat: &chat{}, built: map[string]string{}}
	for _, o := range opts {
		o(&h.cfg)
	}
	h.startOSS()
	h.startJenkins()
	t.Cleanup(h.teardown)
	h.replica = h.newReplica("replica-1", replicaConfig{})
	h.recordV1()
	if !h.cfg.noWorker {
		h.replica.run()
	}
	return h
}

func (h *harness) startOSS() {
	h.oss = ossemu.New(ossemu.Options{Buckets: []string{bucket}, Region: ossRegion,
		Credentials: map[string]string{ossAK: ossSecret}})
	require.NoError(h.t, h.oss.Start())
}

func (h *harness) startJenkins() {
	h.jenkins = jenkinsemu.New(jenkinsemu.Options{Users: map[string]string{jenkinsUser: jenkinsToken}, MaxRequests: 100000})
	require.NoError(h.t, h.jenkins.Start())
	require.NoError(h.t, h.jenkins.AddJob(job, jenkinsemu.JobOptions{Outcome: h.goodBuild()}))
	require.NoError(h.t, h.jenkins.SetBranchOutcome(job, "feature/broken", brokenBuild()))
}

// recordV1 adopts what CI released before dingops: v1, at the hotfix, whose
// hashed manifest the fixed key already holds.
func (h *harness) recordV1() {
	h.oss.Seed(bucket, v1Key, []byte(`{"main":"assets/main.0c1d2e.js"}`), immutableJSON())
	r, _, err := h.engine.Record(h.ctx, core.RecordRequest{Actor: core.Actor{StaffID: "ci"}, App: "web",
		Artifact: core.Artifact{Ref: v1Key}, Commit: repo.Hotfix.SHA, By: "alice", Key: "ci-1"})
	require.NoError(h.t, err)
	h.oss.Seed(bucket, fixedKey, []byte(`{"main":"assets/main.0c1d2e.js"}`), http.Header{ // CI's deploy
		"Content-Type": {"application/json"}, "Cache-Control": {"no-cache"},
		"X-Oss-Meta-Dingops-Source": {v1Key}, "X-Oss-Meta-Dingops-Release": {fmt.Sprint(int64(r.ID))}})
	h.v1 = r
	h.clock.Advance(time.Minute)
}

// teardown closes the emulators first, so a worker still following a build
// that never ends gets errors and stops, then stops the workers.
func (h *harness) teardown() {
	_ = h.jenkins.Close()
	_ = h.oss.Close()
	h.mu.Lock()
	rs := append([]*replica(nil), h.replicas...)
	h.mu.Unlock()
	for _, r := range rs {
		r.halt()
	}
}

// say types text into the web group as who.
func (h *harness) say(who, text string) bot.Response {
	n := h.msgs.Add(1)
	return h.bot.Handle(h.ctx, bot.Message{ID: fmt.Sprintf("msg-%d", n), ChatID: chatID, Group: true,
		StaffID: who, Nick: who, Text: text, Origin: core.OriginText, At: h.clock.Now()})
}

// request types a request that must be accepted and returns its release.
func (h *harness) request(who, text string) core.ReleaseID {
	h.t.Helper()
	resp := h.say(who, text)
	require.False(h.t, resp.Refused, resp.Text)
	require.NotNil(h.t, resp.Release, resp.Text)
	return resp.Release.ID
}

// refused types a request that must be refused and returns the reply.
func (h *harness) refused(who, text string) string {
	h.t.Helper()
	resp := h.say(who, text)
	require.True(h.t, resp.Refused, "%q was accepted: %s", text, resp.Text)
	require.Nil(h.t, resp.Card)
	return resp.Text
}

func (h *harness) release(id core.ReleaseID) core.Release {
	h.t.Helper()
	r, err := h.store.Release(h.ctx, id)
	require.NoError(h.t, err)
	return r
}

// at sets the clock to hh:mm on the start day, Shanghai time.
func (h *harness) at(hour, minute int) {
	want := time.Date(start.Year(), start.Month(), start.Day(), hour, minute, 0, 0, shanghai)
	h.clock.Advance(want.Sub(h.clock.Now()))
}

// live is what the fixed manifest key holds: the hashed manifest it was
// switched to, and its body.
func (h *harness) live() (source string, body string) {
	o, ok := h.oss.Object(bucket, fixedKey)
	require.True(h.t, ok, "the fixed manifest key exists")
	return o.Header.Get("X-Oss-Meta-Dingops-Source"), string(o.Body)
}

// audit lists the audit events of kind for release id.
func (h *harness) audit(kind core.AuditKind, id core.ReleaseID) []core.AuditEvent {
	h.t.Helper()
	evs, err := h.store.Audit(h.ctx, core.AuditFilter{App: "web", Kind: kind, ReleaseID: id})
	require.NoError(h.t, err)
	return evs
}
