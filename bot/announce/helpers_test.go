package announce

import (
	"bytes"
	"context"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/calendar"
	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// wait bounds waits on the emulator; they normally end in milliseconds.
const wait = 10 * time.Second

var shanghai = func() *time.Location { l, _ := time.LoadLocation("Asia/Shanghai"); return l }()

// cst is a wall time in Asia/Shanghai.
func cst(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, shanghai)
}

func date(month time.Month, day int) core.Date { return core.Date{Year: 2026, Month: month, Day: day} }

// testCalendar is 2026's 中秋节 and 国庆节 as the State Council set them
// (make-up days 9/20 and 10/10), plus a company freeze, from a fixed table
// so lunar-go upgrades never change the golden files.
func testCalendar(t *testing.T) *calendar.Calendar {
	tab := calendar.Table{{Date: date(1, 1), Name: "元旦节"}, {Date: date(9, 20), Name: "国庆节", Work: true}}
	for d := 25; d <= 27; d++ {
		tab = append(tab, calendar.Entry{Date: date(9, d), Name: "中秋节"})
	}
	for d := 1; d <= 7; d++ {
		tab = append(tab, calendar.Entry{Date: date(10, d), Name: "国庆节"})
	}
	tab = append(tab, calendar.Entry{Date: date(10, 10), Name: "国庆节", Work: true},
		calendar.Entry{Date: core.Date{Year: 2027, Month: 1, Day: 1}, Name: "元旦节"})
	cal, err := calendar.New(calendar.Config{Freezes: []calendar.Freeze{{Name: "双十一", From: date(11, 10), To: date(11, 12)}}}, tab)
	require.NoError(t, err)
	return cal
}

// testWindows: web and approval-mini share a daytime window on working
// days; api has a night window Monday to Thursday.
func testWindows(t *testing.T, cal core.Calendar) *core.AppWindows {
	policies := map[string]core.WindowPolicy{
		"frontend": {Location: "Asia/Shanghai", Periods: []core.Period{{Start: "0 10 * * *", Duration: 2 * time.Hour},
			{Start: "0 15 * * *", Duration: 150 * time.Minute}}},
		"api-night": {Location: "Asia/Shanghai", Days: "1-4", Periods: []core.Period{{Start: "0 22 * * *", Duration: 3 * time.Hour}}},
	}
	aw, errs := core.NewAppWindows(policies, map[string][]string{"frontend": {"web", "approval-mini"}, "api-night": {"api"}}, cal)
	require.Empty(t, errs)
	return aw
}

// Indexes of testPosts.
const (
	postOpen = iota
	postClosing
	postFreezeTomorrow
	postFreezeOver
	postDigest
)

func testPosts(lang string) []Post {
	front := []string{"web", "approval-mini"}
	return []Post{
		{Chat: "web-ops", ConversationID: "cidWebOps==", Language: lang, Kind: WindowOpen, Apps: front},
		{Chat: "web-ops", ConversationID: "cidWebOps==", Language: lang, Kind: WindowClosing, Apps: front, Before: 15 * time.Minute},
		{Chat: "web-ops", ConversationID: "cidWebOps==", Language: lang, Kind: FreezeTomorrow, Apps: []string{"web", "approval-mini", "api"}, Schedule: "0 17 * * *"},
		{Chat: "web-ops", ConversationID: "cidWebOps==", Language: lang, Kind: FreezeOver, Apps: front, Schedule: "30 9 * * *"},
		{Chat: "platform", ConversationID: "cidPlatform==", Language: lang, Kind: WeeklyDigest, Apps: []string{"api", "web", "approval-mini"}, Schedule: "0 10 * * 1"},
	}
}

// logBuffer collects a service's log lines, safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fixture is one replica's service over a store, sending to an emulator.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	clock *coretest.Clock
	emu   *dingtalkemu.Server
	store *store.Store
	svc   *Service
	logs  *logBuffer
}

func startEmulator(t *testing.T) *dingtalkemu.Server {
	emu := dingtalkemu.New(dingtalkemu.Options{})
	require.NoError(t, emu.Start())
	t.Cleanup(emu.Close)
	return emu
}

// newFixture builds a service named owner on dsn, with a DingTalk client
// of its own, as one replica would have.
func newFixture(t *testing.T, emu *dingtalkemu.Server, dsn string, clock *coretest.Clock, owner string, posts []Post) *fixture {
	f := &fixture{t: t, ctx: context.Background(), clock: clock, emu: emu, logs: &logBuffer{}}
	f.store = storetest.Open(t, dsn, clock)
	client, err := dingtalk.New(emu.ClientConfig())
	require.NoError(t, err)
	f.svc = f.service(client, owner, posts)
	return f
}

func (f *fixture) service(sender Sender, owner string, posts []Post) *Service {
	cal := testCalendar(f.t)
	svc, err := New(f.config(sender, owner, posts, cal))
	require.NoError(f.t, err)
	return svc
}

func (f *fixture) config(sender Sender, owner string, posts []Post, cal core.Calendar) Config {
	return Config{Posts: posts, Windows: testWindows(f.t, cal), Calendar: cal, Releases: f.store, Guard: f.store,
		Sender: sender, Zone: shanghai, Owner: owner, Clock: f.clock,
		Logger: slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
}

// set moves the fixture's clock forward to t.
func (f *fixture) set(t time.Time) {
	if d := t.Sub(f.clock.Now()); d > 0 {
		f.clock.Advance(d)
	}
}

func (f *fixture) record(key string, at time.Time) store.Announcement {
	a, err := f.store.Announcement(f.ctx, key, at)
	require.NoError(f.t, err)
	return a
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./bot/announce -update to create %s", path)
	assert.Equal(t, string(want), got)
}
