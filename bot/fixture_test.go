package bot

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

var shanghai = func() *time.Location { l, _ := time.LoadLocation("Asia/Shanghai"); return l }()

// fixture is a bot over a real engine on SQLite with an in-memory target:
// app web in group cid-web; alice releases, bob and carol approve.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	clock *coretest.Clock
	eng   *core.Engine
	dep   *coretest.Deployer
	bot   *Bot
	db    interface{ Close() error } // the store, to break it
}

func newFixture(t *testing.T, tweak ...func(*Config)) *fixture {
	clock := coretest.NewClock(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	s := storetest.Open(t, storetest.SQLiteDSN(t), clock)
	dep := coretest.NewDeployer()
	app := &core.App{Name: "web", Target: core.TargetOSS, Chats: []string{"cid-web"}, ReleaseTeams: []string{"frontend"},
		ApproverTeams: []string{"sre"}, Releasers: []string{"alice"}, Approvers: []string{"bob", "carol"}, Policy: core.DefaultPolicy()}
	eng, err := core.NewEngine(core.Config{Apps: []*core.App{app}, Releases: s, Locks: s, Audit: s,
		Deployers: map[string]core.Deployer{"web": dep}, Clock: clock})
	require.NoError(t, err)
	bcfg := Config{Engine: eng, Zone: shanghai, Clock: clock, Chats: map[string]string{"cid-en": "en"}, Buttons: true,
		ChatNames: map[string]string{"cid-web": "web-ops"}}
	for _, tw := range tweak {
		tw(&bcfg)
	}
	b, err := New(bcfg)
	require.NoError(t, err)
	f := &fixture{t: t, ctx: context.Background(), clock: clock, eng: eng, dep: dep, bot: b, db: s}
	for i := 1; i <= 3; i++ {
		a := core.Artifact{Kind: core.TargetOSS, Ref: fmt.Sprintf("web/manifest.%d.json", i), Digest: fmt.Sprintf("E%d", i), Display: fmt.Sprintf("h%d", i)}
		dep.Add(a.Ref)
		_, _, err := eng.Record(f.ctx, core.RecordRequest{Actor: core.Actor{StaffID: "ci"}, App: "web", Artifact: a, By: "alice"})
		require.NoError(t, err)
		dep.SetLive(a)
		clock.Advance(time.Hour)
	}
	return f
}

var msgSeq int

func (f *fixture) say(who, text string) Response {
	msgSeq++
	return f.bot.Handle(f.ctx, Message{ID: fmt.Sprintf("m%d", msgSeq), ChatID: "cid-web", Group: true, StaffID: who,
		Text: text, Origin: core.OriginText, At: f.clock.Now()})
}

// cardOf renders release id's card as the notifier would.
func (f *fixture) cardOf(id core.ReleaseID, lang, progress string) *Card {
	r, err := f.eng.Release(f.ctx, id)
	require.NoError(f.t, err)
	p, err := f.eng.PlanOf(f.ctx, r)
	require.NoError(f.t, err)
	return f.bot.card(lang, p, progress)
}

var errStop = errors.New("stop here")

// runTo executes id with a worker that stops (as if it died) at step.
func (f *fixture) runTo(id core.ReleaseID, at core.Step) {
	w := f.eng.NewWorker(core.WorkerConfig{ID: "w", Hook: func(_ core.ReleaseID, s core.Step) error {
		if s == at {
			return errStop
		}
		if s == core.StepDeploying {
			f.clock.Advance(1400 * time.Millisecond) // the deploy takes 1.4 s
		}
		return nil
	}})
	_ = w.Execute(f.ctx, id)
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./bot -update to create %s", path)
	assert.Equal(t, string(want), got)
}
