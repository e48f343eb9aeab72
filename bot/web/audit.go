package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dingops/dingops/core"
)

// auditKinds are the event kinds the filter offers, in a reading order.
var auditKinds = []core.AuditKind{core.AuditRequest, core.AuditRecord, core.AuditApprove, core.AuditReject,
	core.AuditRefusal, core.AuditOverride, core.AuditLock, core.AuditUnlock, core.AuditTransition, core.AuditStep,
	core.AuditCancel, core.AuditExpire, core.AuditConfig, core.AuditTargetNote}

// maxAuditShown bounds the rows one page shows; `dingops audit` exports all.
const maxAuditShown = 500

type auditPage struct {
	App, Actor, Kind, From, To string
	Apps                       []string
	Kinds                      []core.AuditKind
	Errors                     []string
	LastWeek                   bool
	Events                     []core.AuditEvent
	Total                      int
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(w, r, "audit", "audit.title")
	q := r.URL.Query()
	p := &auditPage{App: q.Get("app"), Actor: strings.TrimSpace(q.Get("actor")), Kind: q.Get("kind"),
		From: q.Get("from"), To: q.Get("to"), Kinds: auditKinds}
	for _, a := range s.cfg.Engine.Apps() {
		p.Apps = append(p.Apps, a.Name)
	}
	v.Data = p
	f, ok := s.auditFilter(v, p)
	if !ok {
		s.render(w, r, http.StatusBadRequest, "audit", v)
		return
	}
	evs, err := s.cfg.Records.Audit(r.Context(), f)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	slices.Reverse(evs)
	p.Total = len(evs)
	p.Events = evs[:min(len(evs), maxAuditShown)]
	s.render(w, r, http.StatusOK, "audit", v)
}

// auditFilter checks the form; without a start day it shows the last 7
// days, so the page stays quick on a long audit log.
func (s *Server) auditFilter(v *view, p *auditPage) (core.AuditFilter, bool) {
	f := core.AuditFilter{App: p.App, Actor: p.Actor, Kind: core.AuditKind(p.Kind)}
	if p.Kind != "" && !slices.Contains(auditKinds, f.Kind) {
		p.Errors = append(p.Errors, v.T("audit.bad_kind", "got", p.Kind))
	}
	zone := s.cfg.Zone
	day := func(val string) time.Time {
		if val == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, val, zone)
		if err != nil {
			p.Errors = append(p.Errors, v.T("audit.bad_date", "got", val))
		}
		return t
	}
	f.Since, f.Until = day(p.From), day(p.To)
	if !f.Until.IsZero() {
		f.Until = f.Until.AddDate(0, 0, 1) // the To day is included
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		p.Errors = append(p.Errors, v.T("audit.bad_range"))
	}
	if f.Since.IsZero() && len(p.Errors) == 0 {
		end := f.Until
		if end.IsZero() {
			end = core.DateOf(v.Now.In(zone)).In(zone).AddDate(0, 0, 1)
		}
		f.Since, p.LastWeek = end.AddDate(0, 0, -7), true
	}
	return f, len(p.Errors) == 0
}

// Selected marks the current choice of a filter's select.
func (p *auditPage) Selected(field, value string) bool {
	switch field {
	case "app":
		return p.App == value
	case "kind":
		return p.Kind == value
	}
	return false
}
