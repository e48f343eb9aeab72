package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dingops/dingops/core"
)

// card is the shared card component, drawn like a DingTalk message card:
// every dashboard page is made of them, and the playground draws the bot's
// cards with the same template ("card") and the same JavaScript helper
// (dingops.card in static/dingops.js).
type card struct {
	ID    string // element id
	Title string
	Href  string // the title links here when set
	Sub   string // a muted line under the title
	Badge string
	Tone  string // badge colour: ok, bad, busy, warn, muted
	Rows  []cardRow
	Notes []string // warnings under the rows
	Links []cardLink
}

type cardRow struct {
	Label, Value string
	Tone         string // optional value colour
	Href         string // optional: the value links here (a requirement)
}

type cardLink struct{ Text, Href string }

// statusTimeout bounds one app's status on the overview: it asks the
// target what is live, and one slow target must not hang the page.
const statusTimeout = 5 * time.Second

func (s *Server) overview(w http.ResponseWriter, r *http.Request) {
	v := s.newView(w, r, "overview", "overview.title")
	apps := s.cfg.Engine.Apps()
	cards := make([]card, len(apps))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, a := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(r.Context(), statusTimeout)
			defer cancel()
			st, err := s.status.status(ctx, a.Name)
			cards[i] = s.appCard(v, a, st, err)
		}()
	}
	wg.Wait()
	v.Data = cards
	s.render(w, r, http.StatusOK, "overview", v)
}

// appCard is one app on the overview: what is live and since when, what
// runs, what holds it, and its window.
func (s *Server) appCard(v *view, a *core.App, st core.AppStatus, err error) card {
	c := card{ID: "app-" + a.Name, Title: a.Name, Href: "/apps/" + a.Name, Sub: v.T("app.target") + ": " + string(a.Target),
		Links: []cardLink{{v.T("app.history"), "/apps/" + a.Name}, {v.T("app.audit"), v.Link("/audit", "app", a.Name)}}}
	if err != nil {
		s.log.Warn("reading app status for the dashboard", "app", a.Name, "err", err)
		c.Notes = append(c.Notes, v.T("app.error", "err", oneLine(err.Error())))
		return c
	}
	if st.Live == nil {
		c.Rows = append(c.Rows, cardRow{Label: v.T("app.live"), Value: v.T("app.live_none"), Tone: "muted"})
	} else {
		c.Rows = append(c.Rows, cardRow{Label: v.T("app.live"), Value: "v" + strconv.Itoa(st.Live.Version) + " · " + st.Live.Artifact.Label()},
			cardRow{Label: v.T("app.since"), Value: v.Time(st.Live.FinishedAt) + " · " + v.T("app.by", "who", st.Live.Requester)})
	}
	c.Rows = append(c.Rows, s.visibleRows(v, st)...)
	if st.Mismatch() {
		c.Notes = append(c.Notes, v.T("app.mismatch", "actual", st.LiveArtifact.Label()))
	} else if st.LiveErr != "" {
		c.Notes = append(c.Notes, v.T("app.live_err", "err", oneLine(st.LiveErr)))
	}
	if x := st.Active; x != nil {
		c.Badge, c.Tone = v.Status(x.Status), v.Tone(x.Status)
		c.Rows = append(c.Rows, cardRow{Label: v.T("app.active"), Value: x.Label() + " · " + v.Kind(x.Kind) + " · " + v.Status(x.Status), Tone: "busy"})
	}
	for _, l := range st.Locks {
		c.Rows = append(c.Rows, cardRow{Label: v.T("app.locks"), Value: lockText(v, l), Tone: "warn"})
		if c.Badge == "" && l.Kind != core.LockRun {
			c.Badge, c.Tone = v.LockKind(l.Kind), "warn"
		}
	}
	win := cardRow{Label: v.T("app.window"), Value: v.T("app.window_ok"), Tone: "ok"}
	if st.Window != nil {
		win.Value, win.Tone = s.refusalText(v.Lang, &core.Refusal{Reasons: []core.Reason{*st.Window}}), "muted"
	}
	c.Rows = append(c.Rows, win)
	return c
}

func lockText(v *view, l core.Lock) string {
	parts := []string{v.LockKind(l.Kind), l.Holder}
	if l.ReleaseID != 0 {
		parts = append(parts, l.ReleaseID.String())
	}
	if l.Reason != "" {
		parts = append(parts, v.LockReason(l.Reason))
	}
	return strings.Join(parts, " · ") + " (" + v.Time(l.Since) + ")"
}

// refusalText words a refusal for people, on one line.
func (s *Server) refusalText(lang string, err error) string {
	if s.cfg.Texts == nil {
		return oneLine(err.Error())
	}
	// Only refusals come here: values, worded without a log line, so no
	// request context is needed.
	return oneLine(s.cfg.Texts.RefusalText(context.Background(), lang, err))
}

func (s *Server) appPage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("app")
	v := s.newView(w, r, "overview", "history.title")
	v.Title = v.T("history.title", "app", name)
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	if n <= 0 || n > 200 {
		n = 50
	}
	rs, err := s.cfg.Engine.History(r.Context(), name, n)
	var ref *core.Refusal
	if errors.As(err, &ref) {
		v.Data = timeline{Error: s.refusalText(v.Lang, ref)}
		s.render(w, r, http.StatusNotFound, "app", v)
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	t := timeline{App: name}
	for _, rel := range rs {
		c := s.releaseCard(v, rel)
		s.addAlerts(r.Context(), v, &c, rel)
		t.Items = append(t.Items, c)
	}
	v.Data = t
	s.render(w, r, http.StatusOK, "app", v)
}

type timeline struct {
	App   string
	Error string
	Items []card
}

// releaseCard is one release on an app's timeline.
func (s *Server) releaseCard(v *view, r core.Release) card {
	c := card{ID: "release-" + strconv.FormatInt(int64(r.ID), 10), Title: r.Label() + " · " + v.Kind(r.Kind),
		Badge: v.Status(r.Status), Tone: v.Tone(r.Status), Rows: releaseRows(v, r)}
	if r.Kind == core.KindRollback && r.RollbackOf > 0 {
		c.Title += " · " + v.T("history.rollback_to", "version", r.RollbackOf)
	}
	if r.Urgent {
		c.Title += " · " + v.T("history.urgent")
	}
	if r.Reason == "recorded" && r.ApprovalsNeeded == 0 {
		c.Sub = v.T("history.recorded")
	}
	if r.Error != "" {
		msg := r.Error
		if s.cfg.Texts != nil {
			msg = s.cfg.Texts.ReleaseNote(v.Lang, r)
		}
		c.Notes = append(c.Notes, v.T("history.outcome")+": "+oneLine(msg))
	}
	if r.RolledBack {
		c.Notes = append(c.Notes, v.T("history.rolled_back", "by", r.RolledBackBy.String()))
	}
	return c
}

// releaseRows are a release's facts: artifact, people, times, reason, commit.
func releaseRows(v *view, r core.Release) []cardRow {
	var rows []cardRow
	add := func(key, val string) {
		if val != "" {
			rows = append(rows, cardRow{Label: v.T(key), Value: val})
		}
	}
	art := r.Artifact.Label()
	if r.Artifact.Display != "" && r.Artifact.Ref != r.Artifact.Display {
		art += " (" + r.Artifact.Ref + ")"
	}
	add("history.artifact", art)
	add("history.requester", r.Requester)
	add("history.approvers", approvals(v, r.Approvals))
	if d := r.FinishedAt.Sub(r.StartedAt); !r.StartedAt.IsZero() && !r.FinishedAt.IsZero() && d > 0 {
		add("history.duration", v.Dur(d))
	}
	add("history.created", v.Time(r.CreatedAt))
	if !r.FinishedAt.IsZero() {
		add("history.finished", v.Time(r.FinishedAt))
	}
	if r.Reason != "recorded" {
		add("history.reason", r.Reason)
	}
	add("history.commit", short(r.Commit, 12))
	return append(rows, releaseExtraRows(v, r)...)
}

func approvals(v *view, as []core.Approval) string {
	parts := make([]string, 0, len(as))
	for _, a := range as {
		part := a.Approver + " " + v.T("history."+string(a.Decision))
		if a.Comment != "" {
			part = v.T("history.decision_comment", "decision", part, "comment", a.Comment)
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ", ")
}

func short(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func (s *Server) locksPage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(w, r, "locks", "locks.title")
	ls, err := s.cfg.Records.Locks(r.Context(), "")
	if err != nil {
		s.internal(w, r, err)
		return
	}
	v.Data = ls
	s.render(w, r, http.StatusOK, "locks", v)
}

// LeaseLapsed reports whether a run lock's holder stopped renewing it.
func (v *view) LeaseLapsed(l core.Lock) bool { return l.Expired(v.Now) }
