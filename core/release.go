package core

import (
	"context"
	"errors"
	"fmt"
)

// RequestRelease runs a release's pre-checks — permission, locks, window and
// holiday, branch — and records the request. Every failed check is reported
// together, in that order, so one reply says everything to fix.
func (e *Engine) RequestRelease(ctx context.Context, req ReleaseRequest) (Plan, error) {
	if bad := checkTexts("reason", req.Reason); bad != nil {
		return Plan{}, e.refused(ctx, req.Actor, req.App, 0, bad)
	}
	app, ref := e.App(req.App)
	if ref != nil {
		return Plan{}, e.refused(ctx, req.Actor, req.App, 0, ref)
	}
	if app.Job == "" || app.Repo == "" || e.cfg.Builder == nil || e.cfg.Source == nil {
		return Plan{}, e.refused(ctx, req.Actor, app.Name, 0, Refuse(CodeNoBuilder, "app", app.Name))
	}
	p, err := e.livePlan(ctx, app)
	if err != nil {
		return Plan{}, err
	}
	refusal := e.releaseGates(ctx, app, req)
	opts, bad := ResolveOptions(app.Name, app.Options, req.Options)
	if bad != nil {
		// Options are checked first and alone: nothing else is asked of
		// the repository until what was typed is right.
		return Plan{}, e.refused(ctx, req.Actor, app.Name, 0, bad)
	}
	report, warn, err := e.branchCheck(ctx, app, req.Branch, p.Live, refusal)
	if err != nil {
		return Plan{}, err
	}
	if len(refusal.Reasons) > 0 {
		return Plan{}, e.refused(ctx, req.Actor, app.Name, 0, refusal)
	}
	p.Warnings = warn
	p.Commits, p.Changes = capCommits(report.Commits), e.changes(ctx, app, p.Live, report.Commit)
	if p.Changes != nil && p.Changes.Failed == "" && len(p.Changes.Unknown) == 0 {
		p.Commits = p.Changes.Added
	}
	rel := e.newRelease(app, req.Actor, KindRelease, req.Urgent, req.Reason)
	rel.Branch, rel.Commit, rel.Commits, rel.Changes = req.Branch, report.Commit, p.Commits, p.Changes
	rel.Warnings = warn
	rel.Options, rel.Requirement = opts, e.branchRequirement(ctx, app.Name, req.Branch)
	return e.create(ctx, app, req.Actor, rel, p)
}

// releaseGates are the checks before the branch: permission, an unfinished
// release or a freeze, and the window unless the request is urgent.
func (e *Engine) releaseGates(ctx context.Context, app *App, req ReleaseRequest) *Refusal {
	r := &Refusal{}
	who := req.Actor.StaffID
	if !app.CanRequest(who) {
		r.Add(CodeNotPermitted, "app", app.Name, "user", who, "teams", append(app.ReleaseTeams, app.ApproverTeams...))
	}
	if req.Urgent && req.Reason == "" {
		r.Add(CodeUrgentNeedsReason, "app", app.Name)
	}
	if active, err := e.cfg.Releases.Active(ctx, app.Name); err == nil {
		r.Add(CodeActiveExists, "app", app.Name, "release", active.Label(), "status", active.Status, "requester", active.Requester)
	}
	if f := e.freezeRefusal(ctx, app, KindRelease); f != nil {
		r.Reasons = append(r.Reasons, f.Reasons...)
	}
	if !req.Urgent {
		if w := e.windowRefusal(app); w != nil {
			r.Reasons = append(r.Reasons, w.Reasons...)
		}
	}
	return r
}

// branchCheck asks the repository about the branch: it must exist, merge
// cleanly into the main branch, and not lack commits that are live now
// (refused, or a warning when the policy says so).
func (e *Engine) branchCheck(ctx context.Context, app *App, branch string, live *Release, r *Refusal) (BranchReport, []Reason, error) {
	q := BranchQuery{App: app.Name, Repo: app.Repo, Branch: branch, MainBranch: app.MainBranch}
	if live != nil {
		q.LiveCommit, q.PrevCommit = live.Commit, live.Commit
	}
	rep, err := e.cfg.Source.Inspect(ctx, q)
	if err != nil {
		return rep, nil, fmt.Errorf("checking branch %s of %s: %w", branch, app.Name, err)
	}
	var warn []Reason
	switch {
	case !rep.Exists:
		r.Add(CodeBranchMissing, "app", app.Name, "branch", branch)
	case len(rep.Conflicts) > 0:
		r.Add(CodeBranchConflicts, "app", app.Name, "branch", branch, "main", app.MainBranch, "files", rep.Conflicts)
	}
	if len(rep.MissingLive) > 0 {
		why := reason(CodeBranchMissesLive, "app", app.Name, "branch", branch, "main", app.MainBranch,
			"merge", liveSource(app, branch, live), "commits", commitNames(rep.MissingLive))
		if app.Policy.WarnMissingLive {
			warn = append(warn, why)
		} else {
			r.Reasons = append(r.Reasons, why)
		}
	}
	return rep, warn, nil
}

// liveSource is what a branch lacking live commits should merge to get
// them: the branch what is live was released from when that is not the
// main branch (its commits are not on main), else the main branch; the
// live commit itself when the branch is the one released then.
func liveSource(app *App, branch string, live *Release) string {
	switch {
	case live == nil || live.Branch == "" || live.Branch == app.MainBranch:
		return app.MainBranch
	case live.Branch == branch:
		return shortSHA(live.Commit)
	}
	return live.Branch
}

func commitNames(cs []Commit) []string {
	out := make([]string, 0, len(cs))
	for i, c := range cs {
		if i == 5 {
			out = append(out, fmt.Sprintf("… (+%d)", len(cs)-5))
			break
		}
		sha := c.SHA
		if len(sha) > 7 {
			sha = sha[:7] // git's default abbreviation, as on the card
		}
		out = append(out, sha+" "+c.Subject)
	}
	return out
}

// releaseRecheck repeats, when work starts on a release, the checks that
// can change while it waits: a freeze, the window, and the branch merging.
func (w *Worker) releaseRecheck(ctx context.Context, r Release) (*Refusal, error) {
	app, ref := w.e.App(r.App)
	if ref != nil {
		return ref, nil
	}
	out := &Refusal{}
	if f := w.e.freezeRefusal(ctx, app, KindRelease); f != nil {
		out.Reasons = append(out.Reasons, f.Reasons...)
	}
	if !r.Urgent {
		if win := w.e.windowRefusal(app); win != nil {
			out.Reasons = append(out.Reasons, win.Reasons...)
		}
	}
	if w.e.cfg.Source != nil {
		live, err := w.e.cfg.Releases.Live(ctx, r.App)
		var lp *Release
		if err == nil {
			lp = &live
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if _, _, err := w.e.branchCheck(ctx, app, r.Branch, lp, out); err != nil {
			return nil, err
		}
	}
	if len(out.Reasons) == 0 {
		return nil, nil
	}
	return out, nil
}
