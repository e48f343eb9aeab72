package web

import (
	"context"

	"github.com/dingops/dingops/core"
)

// alertRecords is the store's alert read side; Records implements it when
// alerts are on (*store.Store does).
type alertRecords interface {
	Alerts(ctx context.Context, f core.AlertFilter) ([]core.AlertRecord, error)
}

// addAlerts notes on a release's timeline card the alerts attributed to
// it and what dingops did with each (docs/alerts.md).
func (s *Server) addAlerts(ctx context.Context, v *view, c *card, r core.Release) {
	ar, ok := s.cfg.Records.(alertRecords)
	if !ok {
		return
	}
	recs, err := ar.Alerts(ctx, core.AlertFilter{App: r.App, ReleaseID: r.ID, Limit: 20})
	if err != nil {
		s.log.ErrorContext(ctx, "reading alerts of a release", "release", int64(r.ID), "err", err)
		return
	}
	for i := len(recs) - 1; i >= 0; i-- {
		a := recs[i].Alert
		c.Notes = append(c.Notes, v.T("history.alert", "title", a.Title, "source", a.Source, "id", a.ID,
			"since", v.Time(a.StartsAt), "status", v.T("alert.status."+string(a.Status)),
			"outcome", v.T("alert.outcome."+string(recs[i].Outcome))))
	}
}
