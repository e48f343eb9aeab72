package core_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func TestAttributed(t *testing.T) {
	live := core.Release{FinishedAt: t0, CreatedAt: t0.Add(-time.Minute)}
	watch := core.AlertSettings{Watch: 30 * time.Minute}
	cases := []struct {
		name     string
		settings core.AlertSettings
		live     core.Release
		startsAt time.Time
		want     bool
	}{
		{"within the watch", watch, live, t0.Add(6 * time.Minute), true},
		{"at the moment it went live", watch, live, t0, true},
		{"at the end of the watch", watch, live, t0.Add(30 * time.Minute), true},
		{"after the watch", watch, live, t0.Add(31 * time.Minute), false},
		{"before it went live", watch, live, t0.Add(-time.Second), false},
		{"no watch configured", core.AlertSettings{}, live, t0.Add(time.Minute), false},
		{"no finish time: from its creation", watch, core.Release{CreatedAt: t0}, t0.Add(time.Minute), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.settings.Attributed(c.live, core.Alert{StartsAt: c.startsAt}))
		})
	}
}

func TestAlertRequesterIsNobody(t *testing.T) {
	a := core.Alert{Source: "alertmanager"}
	assert.Equal(t, "alert:alertmanager", a.Requester())
	assert.True(t, core.IsAlertRequester(a.Requester()))
	assert.False(t, core.IsAlertRequester("alice"))
}

// alerting gives the fixture's engine the store's alert records and web a
// 30-minute watch with policy pol.
func alerting(pol core.AlertPolicy) func(*core.App) {
	return func(a *core.App) {
		a.Alerts = core.AlertSettings{Watch: 30 * time.Minute, Policy: pol, Tell: []string{"bob"}}
	}
}

func (f *fixture) withAlerts() *fixture {
	eng, err := core.NewEngine(core.Config{Apps: []*core.App{f.app}, Releases: f.store, Locks: f.store, Audit: f.store,
		Deployers: map[string]core.Deployer{"web": f.dep}, Notifier: f.notes, Clock: f.clock, Alerts: f.store})
	require.NoError(f.t, err)
	f.eng = eng
	return f
}

func (f *fixture) alert(id string, status core.AlertStatus, startsAt time.Time) core.AlertResult {
	f.t.Helper()
	res, err := f.eng.HandleAlert(f.ctx, core.Alert{Source: "alertmanager", ID: id, App: "web", Title: "HighErrorRate",
		Status: status, StartsAt: startsAt})
	require.NoError(f.t, err)
	return res
}

func TestAlertSuggests(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.withAlerts().record(3)
		f.clock.Advance(6 * time.Minute)
		first := f.alert("fp1", core.AlertFiring, f.clock.Now())
		assert.Equal(t, core.AlertSuggested, first.Outcome)
		require.NotNil(t, first.Suggestion)
		assert.Equal(t, 3, first.Suggestion.Version)
		assert.Equal(t, 2, first.Suggestion.Target, "the previous good release")
		assert.Len(t, first.Suggestion.Alerts, 1)

		assert.Equal(t, core.AlertRepeat, f.alert("fp1", core.AlertFiring, f.clock.Now()).Outcome, "a resend is a repeat")
		second := f.alert("fp2", core.AlertFiring, f.clock.Now())
		assert.Equal(t, core.AlertAdded, second.Outcome)
		assert.Equal(t, first.Suggestion.ID, second.Suggestion.ID, "one suggestion per release")
		assert.Len(t, second.Suggestion.Alerts, 2)

		f.clock.Advance(3 * time.Minute)
		r1 := f.alert("fp1", core.AlertResolved, first.Record.Alert.StartsAt)
		assert.Equal(t, core.AlertCleared, r1.Outcome)
		assert.True(t, r1.Suggestion.Open(), "fp2 still fires")
		r2 := f.alert("fp2", core.AlertResolved, second.Record.Alert.StartsAt)
		assert.False(t, r2.Suggestion.Open(), "resolved once nothing fires")
		assert.True(t, r2.Suggestion.Resolved.Equal(f.clock.Now()))
		_, err := f.store.Active(f.ctx, "web")
		assert.ErrorIs(t, err, core.ErrNotFound, "suggest files nothing")

		evs, err := f.store.Audit(f.ctx, core.AuditFilter{Kind: core.AuditAlert})
		require.NoError(t, err)
		require.Len(t, evs, 4, "every alert that changed something is audited; the repeat is not")
		assert.Equal(t, "alert:alertmanager", evs[0].Actor)
		assert.Contains(t, evs[0].Detail, "id=fp1")
		assert.Contains(t, evs[0].Detail, "source=alertmanager")
	}, alerting(core.AlertSuggest))
}

func TestAlertOutsideWatch(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.withAlerts().record(3)
		f.clock.Advance(31 * time.Minute)
		res := f.alert("fp1", core.AlertFiring, f.clock.Now())
		assert.Equal(t, core.AlertUnattributed, res.Outcome)
		assert.Nil(t, res.Suggestion)
	}, alerting(core.AlertRequest))
}

func TestAlertRequests(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.withAlerts().record(3)
		f.clock.Advance(time.Minute)
		res := f.alert("fp1", core.AlertFiring, f.clock.Now())
		require.Equal(t, core.AlertRequested, res.Outcome)
		r := res.Plan.Release
		assert.Equal(t, core.StatusPendingApproval, r.Status)
		assert.Equal(t, "alert:alertmanager", r.Requester)
		assert.Contains(t, r.Reason, "HighErrorRate")
		assert.Equal(t, r.ID, res.Suggestion.RequestID)
		assert.Equal(t, core.AlertAdded, f.alert("fp2", core.AlertFiring, f.clock.Now()).Outcome, "no second request")

		approved, err := f.eng.Approve(f.ctx, bob, r.ID, "")
		require.NoError(t, err, "the alert is nobody: any approver may approve")
		assert.Equal(t, core.StatusApproved, approved.Status)
	}, alerting(core.AlertRequest))
}

func TestAlertAutoRollsBack(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.withAlerts().record(3)
		f.clock.Advance(time.Minute)
		res := f.alert("fp1", core.AlertFiring, f.clock.Now())
		require.Equal(t, core.AlertRolledBack, res.Outcome)
		assert.Equal(t, core.StatusApproved, res.Plan.Release.Status, "no human approval")
		require.NoError(t, f.worker("w1").Execute(f.ctx, res.Plan.Release.ID))
		live, err := f.store.Live(f.ctx, "web")
		require.NoError(t, err)
		assert.Equal(t, art(2).Ref, live.Artifact.Ref, "the previous artifact is live")
	}, alerting(core.AlertAuto))
}

func TestAlertHeld(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.withAlerts().record(3)
		_, err := f.eng.Lock(f.ctx, alice, "web", "investigating")
		require.NoError(t, err)
		res := f.alert("fp1", core.AlertFiring, f.clock.Now())
		assert.Equal(t, core.AlertHeld, res.Outcome)
		require.NotNil(t, res.Why)
		assert.True(t, res.Why.Has(core.CodeLocked))
	}, alerting(core.AlertRequest))
}

// TestAlertRacesHumanRollback: an alert and a person's /rollback at the
// same moment end in one request.
func TestAlertRacesHumanRollback(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.withAlerts().record(3)
		var wg sync.WaitGroup
		wg.Go(func() { _, _ = f.rollback(alice, 2) })
		wg.Go(func() {
			_, _ = f.eng.HandleAlert(f.ctx, core.Alert{Source: "am", ID: "x", App: "web", Status: core.AlertFiring, StartsAt: t0})
		})
		wg.Wait()
		rs, err := f.store.Find(f.ctx, core.ReleaseFilter{App: "web", Statuses: core.ActiveStatuses})
		require.NoError(t, err)
		assert.Len(t, rs, 1, "one request")
	}, alerting(core.AlertRequest))
}

func TestAcceptSuggestion(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.withAlerts().record(3)
		s := f.alert("fp1", core.AlertFiring, f.clock.Now()).Suggestion
		_, err := f.eng.AcceptSuggestion(f.ctx, eve, s.ID)
		refusal(t, err, core.CodeNotPermitted)

		res, err := f.eng.AcceptSuggestion(f.ctx, bob, s.ID)
		require.NoError(t, err)
		r := res.Plan.Release
		assert.Equal(t, "alert:alertmanager", r.Requester, "an approver's click files for the alert")
		assert.Equal(t, core.StatusApproved, r.Status, "and approves it: one click")
		assert.Equal(t, 2, r.RollbackOf)
		assert.Equal(t, r.ID, res.Suggestion.RequestID)
		assert.False(t, res.Suggestion.Open())

		_, err = f.eng.AcceptSuggestion(f.ctx, carol, s.ID)
		refusal(t, err, core.CodeSuggestionFiled)
	}, alerting(core.AlertSuggest))
}

func TestAcceptSuggestionByReleaser(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.withAlerts().record(3)
		s := f.alert("fp1", core.AlertFiring, f.clock.Now()).Suggestion
		res, err := f.eng.AcceptSuggestion(f.ctx, alice, s.ID)
		require.NoError(t, err)
		assert.Equal(t, "alice", res.Plan.Release.Requester, "filed as the clicker")
		assert.Equal(t, core.StatusPendingApproval, res.Plan.Release.Status, "the normal approval follows")
	}, alerting(core.AlertSuggest))
}
