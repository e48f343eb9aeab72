package stream

import (
	"context"
	"fmt"
	"strconv"
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

// wait bounds every wait; the tests normally take milliseconds per step.
const wait = 20 * time.Second

const template = "00000000-0000-0000-0000-000000000001.schema"

// env is one DingTalk (the emulator), one database and one deploy target,
// shared by the replicas a test starts.
type env struct {
	t        *testing.T
	emu      *dingtalkemu.Server
	dsn      string
	deps     map[string]*coretest.Deployer // by app
	template string
	seeded   bool
	// wrapNext, when set, wraps the release store of the next replica
	// built (and is then cleared): a way to make one replica's reads fail.
	wrapNext func(core.ReleaseStore) core.ReleaseStore
	// clientConfig reaches an emulator another process runs (emu nil).
	clientConfig dingtalk.Config
}

type envOption func(*dingtalkemu.Options, *env)

func markdownMode(_ *dingtalkemu.Options, e *env) { e.template = "" }

// newEnv starts the emulator on a database of backend b.
func newEnv(t *testing.T, b storetest.Backend, opts ...envOption) *env {
	o := dingtalkemu.Options{Templates: []string{template}, AckTimeout: 2 * time.Second}
	e := &env{t: t, dsn: b.DSN(t), template: template,
		deps: map[string]*coretest.Deployer{"web": coretest.NewDeployer(), "api": coretest.NewDeployer()}}
	for _, f := range opts {
		f(&o, e)
	}
	e.emu = dingtalkemu.New(o)
	require.NoError(t, e.emu.Start())
	t.Cleanup(e.emu.Close)
	return e
}

// sqlite is an env on SQLite, for tests that need not run on both.
func sqlite(t *testing.T, opts ...envOption) *env {
	return newEnv(t, storetest.Backends()[0], opts...)
}

// apps: web lives in cid-web; api has cards in cid-api and the English
// cid-en. alice releases, bob and carol approve.
func apps() []*core.App {
	app := func(name string, chats ...string) *core.App {
		return &core.App{Name: name, Target: core.TargetOSS, Chats: chats, ReleaseTeams: []string{"frontend"},
			ApproverTeams: []string{"sre"}, Releasers: []string{"alice"}, Approvers: []string{"bob", "carol"},
			Policy: core.DefaultPolicy()}
	}
	return []*core.App{app("web", "cid-web"), app("api", "cid-api", "cid-en")}
}

// replica is one dingops process: its own store handle, engine, worker,
// bot and stream connection.
type replica struct {
	store *store.Store
	eng   *core.Engine
	bot   *bot.Bot
	tr    *Transport
	stop  func()
}

type replicaOption func(*Config)

// start runs a replica until the test ends (or stop).
func (e *env) start(name string, opts ...replicaOption) *replica {
	t := e.t
	r, w := e.build(name, opts...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = r.tr.Run(ctx); done <- struct{}{} }()
	go func() { _ = w.Run(ctx); done <- struct{}{} }()
	var stopped bool
	r.stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
			<-done
			r.tr.Close()
		}
	}
	t.Cleanup(r.stop)
	require.Eventually(t, r.tr.Connected, wait, 5*time.Millisecond, "replica %s connects", name)
	return r
}

// build assembles a replica the way bot/system does, with quick timings.
func (e *env) build(name string, opts ...replicaOption) (*replica, *core.Worker) {
	t := e.t
	s := storetest.Open(t, e.dsn, nil)
	var releases core.ReleaseStore = s
	if e.wrapNext != nil {
		releases, e.wrapNext = e.wrapNext(s), nil
	}
	eng, err := core.NewEngine(core.Config{Apps: apps(), Releases: releases, Locks: s, Audit: s,
		Deployers: map[string]core.Deployer{"web": e.deps["web"], "api": e.deps["api"]}, Clock: core.WallClock{}})
	require.NoError(t, err)
	b, err := bot.New(bot.Config{Engine: eng, Clock: core.WallClock{}, Chats: map[string]string{"cid-en": "en"},
		Buttons: e.template != "", ChatNames: map[string]string{"cid-web": "web-ops"}})
	require.NoError(t, err)
	cc := e.clientConfig
	if e.emu != nil {
		cc = e.emu.ClientConfig()
	}
	api, err := dingtalk.New(cc)
	require.NoError(t, err)
	cfg := Config{Bot: b, API: api, Releases: eng, Store: s, CardTemplateID: e.template, ReplicaID: name, Handlers: 4,
		Poll: 50 * time.Millisecond, ReconnectMin: 50 * time.Millisecond, ReconnectMax: 200 * time.Millisecond,
		Rescan: time.Hour, CallbackSettle: 100 * time.Millisecond, RetryDelay: 50 * time.Millisecond,
		SpoolDir: t.TempDir(), SpoolRetry: 50 * time.Millisecond}
	for _, f := range opts {
		f(&cfg)
	}
	tr, err := New(cfg)
	require.NoError(t, err)
	eng.SetNotifier(tr.Notifier())
	w := eng.NewWorker(core.WorkerConfig{ID: name, Poll: 100 * time.Millisecond, Lease: 5 * time.Second})
	eng.SetWake(w.Wake)
	if !e.seeded {
		e.seed(eng)
	}
	return &replica{store: s, eng: eng, bot: b, tr: tr}, w
}

// seed records three releases of each app, the third live.
func (e *env) seed(eng *core.Engine) {
	e.seeded = true
	for _, app := range []string{"web", "api"} {
		for i := 1; i <= 3; i++ {
			a := core.Artifact{Kind: core.TargetOSS, Ref: fmt.Sprintf("%s/manifest.%d.json", app, i), Display: fmt.Sprintf("%s-h%d", app, i)}
			e.deps[app].Add(a.Ref)
			_, _, err := eng.Record(context.Background(), core.RecordRequest{Actor: core.Actor{StaffID: "ci"}, App: app,
				Artifact: a, By: "alice"})
			require.NoError(e.t, err)
			e.deps[app].SetLive(a)
		}
	}
}

// say sends text as who into chat (a group unless it starts with "u-")
// and waits for the transport's ack.
func (e *env) say(chat, who, text string) *dingtalkemu.Delivery {
	e.t.Helper()
	dl, err := e.emu.SendText(dingtalkemu.BotMessage{ConversationID: chat, Group: chat[:2] != "u-", SenderStaffID: who,
		SenderNick: who, Text: text})
	require.NoError(e.t, err)
	ack, err := dl.Wait(ctxT(e.t))
	require.NoError(e.t, err)
	require.Equal(e.t, 200, ack.Code, "the message is acked")
	return dl
}

// card waits for n cards and returns the newest.
func (e *env) card(n int) dingtalkemu.Card {
	e.t.Helper()
	require.NoError(e.t, e.emu.WaitFor(wait, func() bool { return len(e.emu.Cards()) >= n }))
	cards := e.emu.Cards()
	return cards[len(cards)-1]
}

func (e *env) click(outTrackID, who, action string, id any) dingtalkemu.ClickResult {
	e.t.Helper()
	res, err := e.emu.ClickCard(ctxT(e.t), dingtalkemu.Click{OutTrackID: outTrackID, UserID: who,
		Params: map[string]any{"action": action, "release_id": id}})
	require.NoError(e.t, err)
	return res
}

// handled waits until the inbox holds no unfinished message and the
// replica's notifier has sent everything.
func (r *replica) handled(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool {
		p, err := r.store.Inbox().Pending(context.Background(), time.Now().Add(time.Hour), 0)
		return err == nil && len(p) == 0
	}, wait, 10*time.Millisecond, "every message is handled")
	require.True(t, r.tr.notifier.waitIdle(wait), "the notifier sent everything")
}

func releaseID(c dingtalkemu.Card) core.ReleaseID {
	n, _ := strconv.ParseInt(c.Data["release_id"], 10, 64)
	return core.ReleaseID(n)
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return ctx
}

// each runs f on SQLite, and on PostgreSQL when configured.
func each(t *testing.T, f func(t *testing.T, b storetest.Backend)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { f(t, b) })
	}
}
