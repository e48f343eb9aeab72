package announce

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// seedDigest records the week before Monday 2026-09-28 10:00 for the
// digest: web has releases, a failure and two rollbacks; api a failed
// rollback; approval-mini nothing. Two releases fall outside the week.
func seedDigest(t *testing.T, s *store.Store) {
	add := func(app string, kind core.Kind, who string, st core.Status, at time.Time, took time.Duration) {
		_, err := s.CreateRelease(t.Context(), core.Release{App: app, Kind: kind, Status: st, Requester: who,
			Artifact: core.Artifact{Ref: fmt.Sprintf("%s@%d", app, at.Unix())}, CreatedAt: at, UpdatedAt: at.Add(took),
			FinishedAt: at.Add(took)})
		require.NoError(t, err)
	}
	add("web", core.KindRelease, "alice", core.StatusSucceeded, cst(9, 21, 9, 59), time.Minute) // before the week
	add("web", core.KindRelease, "alice", core.StatusSucceeded, cst(9, 22, 10, 30), 2*time.Minute)
	add("web", core.KindRelease, "alice", core.StatusFailed, cst(9, 23, 11, 0), time.Minute)
	add("web", core.KindRelease, "bob", core.StatusSucceeded, cst(9, 24, 10, 5), 3*time.Minute)
	add("web", core.KindRollback, "carol", core.StatusSucceeded, cst(9, 24, 11, 0), 4*time.Minute+12*time.Second)
	add("web", core.KindRollback, "carol", core.StatusSucceeded, cst(9, 24, 15, 0), 10*time.Minute+3*time.Second)
	add("web", core.KindRelease, "bob", core.StatusRejected, cst(9, 25, 16, 0), 0)
	add("api", core.KindRelease, "dave", core.StatusSucceeded, cst(9, 22, 22, 10), 5*time.Minute)
	add("api", core.KindRollback, "dave", core.StatusFailed, cst(9, 23, 22, 30), 2*time.Minute)
	add("api", core.KindRelease, "dave", core.StatusSucceeded, cst(9, 28, 10, 0), time.Minute) // after it
}

// TestRenderGolden renders every kind of announcement from the calendar,
// the windows and the store, in both languages.
func TestRenderGolden(t *testing.T) {
	cases := []struct {
		name    string
		post    int
		at, now time.Time
	}{
		{"window_open", postOpen, cst(9, 28, 10, 0), cst(9, 28, 10, 0)},
		{"window_closing", postClosing, cst(9, 29, 11, 45), cst(9, 29, 11, 45)},
		{"window_closing_late_before_holiday", postClosing, cst(9, 30, 17, 15), cst(9, 30, 17, 18)},
		{"freeze_tomorrow_national_day", postFreezeTomorrow, cst(9, 30, 17, 0), cst(9, 30, 17, 0)},
		{"freeze_tomorrow_mid_autumn", postFreezeTomorrow, cst(9, 24, 17, 0), cst(9, 24, 17, 0)},
		{"freeze_tomorrow_company_freeze", postFreezeTomorrow, cst(11, 9, 17, 0), cst(11, 9, 17, 0)},
		{"freeze_over_national_day", postFreezeOver, cst(10, 8, 9, 30), cst(10, 8, 9, 30)},
		{"freeze_over_mid_autumn", postFreezeOver, cst(9, 28, 9, 30), cst(9, 28, 9, 30)},
		{"weekly_digest", postDigest, cst(9, 28, 10, 0), cst(9, 28, 10, 0)},
	}
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t, startEmulator(t), storetest.SQLiteDSN(t), coretest.NewClock(cst(9, 28, 10, 0)), "r", testPosts(lang))
		seedDigest(t, f.store)
		for _, c := range cases {
			msg, skip, err := f.svc.compose(f.ctx, fire{post: c.post, at: c.at}, c.now)
			require.NoError(t, err, c.name)
			require.Empty(t, skip, c.name)
			golden(t, c.name+"."+lang+".md", "title: "+msg.Title+"\n\n"+msg.Text+"\n")
		}
	}
}

// TestFreezePostsSpeakOnlyOnTheirDay: freeze_tomorrow only on the eve of a
// run of closed days, freeze_over only on the first working day after.
func TestFreezePostsSpeakOnlyOnTheirDay(t *testing.T) {
	f := newFixture(t, startEmulator(t), storetest.SQLiteDSN(t), coretest.NewClock(cst(9, 1, 0, 0)), "r", testPosts("zh"))
	spoke := func(post int, from, to time.Time) []string {
		var out []string
		for _, s := range f.svc.Upcoming(from, to) {
			if s.Post != post {
				continue
			}
			if _, skip, err := f.svc.compose(f.ctx, fire{post: post, at: s.At}, s.At); err == nil && skip == "" {
				out = append(out, s.At.In(shanghai).Format("01-02"))
			}
		}
		return out
	}
	from, to := cst(9, 1, 0, 0), cst(12, 1, 0, 0)
	assert.Equal(t, []string{"09-24", "09-30", "11-09"}, spoke(postFreezeTomorrow, from, to))
	assert.Equal(t, []string{"09-28", "10-08", "11-13"}, spoke(postFreezeOver, from, to))
}

func TestWindowPostSkipsWhenClosed(t *testing.T) {
	f := newFixture(t, startEmulator(t), storetest.SQLiteDSN(t), coretest.NewClock(cst(10, 2, 10, 0)), "r", testPosts("zh"))
	_, skip, err := f.svc.compose(f.ctx, fire{post: postOpen, at: cst(10, 2, 10, 0)}, cst(10, 2, 10, 0))
	require.NoError(t, err)
	assert.Contains(t, skip, "holiday")
	_, skip, err = f.svc.compose(f.ctx, fire{post: postClosing, at: cst(9, 29, 11, 45)}, cst(9, 29, 12, 1))
	require.NoError(t, err)
	assert.Equal(t, "the window closed before it could be announced", skip, "a catch-up never says a closed window closes soon")
}

func TestSummarize(t *testing.T) {
	at := cst(9, 24, 10, 0)
	rb := func(took time.Duration, st core.Status) core.Release {
		return core.Release{App: "web", Kind: core.KindRollback, Status: st, Requester: "carol", CreatedAt: at, FinishedAt: at.Add(took)}
	}
	got := Summarize([]string{"web", "api"}, []core.Release{rb(3*time.Minute, core.StatusSucceeded),
		rb(time.Minute, core.StatusSucceeded), rb(10*time.Minute, core.StatusSucceeded), rb(time.Hour, core.StatusFailed),
		{App: "other", Kind: core.KindRelease, Status: core.StatusSucceeded}})
	require.Len(t, got, 2)
	assert.Equal(t, AppDigest{App: "web", Rollbacks: 4, RollbacksOK: 3, RollbacksFailed: 1,
		Requesters: []Requester{{StaffID: "carol", Count: 4}}, Failures: []string{"#0 · web v0"}, Recovered: 3,
		MedianRecover: 3 * time.Minute, MaxRecover: 10 * time.Minute}, got[0])
	assert.Equal(t, AppDigest{App: "api", Requesters: []Requester{}}, got[1])
}

// TestCatalogueParity: the announcement sentences exist in both languages
// with the same placeholders.
func TestCatalogueParity(t *testing.T) {
	c := bot.NewCatalog().WithAnnouncements()
	var keys []string
	for _, k := range c.Keys("zh") {
		if strings.HasPrefix(k, "announce.") {
			keys = append(keys, k)
			assert.Equal(t, sortedPlaceholders(c.Raw("zh", k)), sortedPlaceholders(c.Raw("en", k)), k)
		}
	}
	assert.NotEmpty(t, keys)
	assert.Equal(t, len(c.Keys("zh")), len(c.Keys("en")))
	assert.Len(t, bot.NewCatalog().Keys("zh"), len(c.Keys("zh"))-len(keys), "the built-in catalogue is not modified")
}

func placeholders(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		j := strings.IndexByte(s, '}')
		if i < 0 || j < i {
			return out
		}
		out = append(out, s[i:j+1])
		s = s[j+1:]
	}
}

func sortedPlaceholders(s string) []string { return sorted(placeholders(s)) }
