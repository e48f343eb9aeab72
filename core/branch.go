package core

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Refusal codes and the audit kind of /branch (docs/branches.md).
const (
	CodeBranchNameInvalid Code      = "branch_name_invalid"
	CodeBranchExists      Code      = "branch_exists"
	CodeNoRepo            Code      = "no_repo"
	CodeNoBranching       Code      = "branching_off"
	AuditBranch           AuditKind = "branch"
)

// Errors a BranchCutter returns for what a person can fix.
var (
	// ErrBranchName: git refuses the name (git-check-ref-format --branch).
	ErrBranchName = errors.New("invalid branch name")
	// ErrBranchExists: the repository already has the branch.
	ErrBranchExists = errors.New("branch exists")
)

// BranchCutter cuts a branch on an app's repository.
type BranchCutter interface {
	// Cut creates refs/heads/q.Name at the head of q.MainBranch on the
	// repository and returns that commit. ErrBranchName, ErrBranchExists.
	Cut(ctx context.Context, q CutQuery) (string, error)
}

// CutQuery names the branch to cut.
type CutQuery struct {
	App        string
	Repo       string
	Name       string
	MainBranch string
}

// BranchStore keeps the branches dingops cut.
type BranchStore interface {
	// RecordBranch stores b with its audit event in one transaction;
	// ErrDuplicate when the app already has a recorded branch of that name.
	RecordBranch(ctx context.Context, b Branch, ev AuditEvent) (Branch, error)
	// Branches lists an app's recorded branches, newest first, with
	// Released set when a release of the branch succeeded.
	Branches(ctx context.Context, app string, limit int) ([]Branch, error)
	// BranchByName reads one recorded branch (ErrNotFound if none).
	BranchByName(ctx context.Context, app, name string) (Branch, error)
}

// Branch is a branch dingops cut for a requirement.
type Branch struct {
	App         string
	Name        string
	Commit      string
	Requirement Requirement
	Requester   string
	CreatedAt   time.Time
	Released    bool
}

// Requirement is what a branch is for: free text, and when a pattern
// matched, the id and its link.
type Requirement struct {
	Text string
	ID   string
	URL  string
}

// RequirementPattern recognises requirement ids (e.g. `REQ-\d+`) and links
// them: "{id}" in URL is replaced by the id, path-escaped.
type RequirementPattern struct {
	Pattern *regexp.Regexp
	URL     string
}

// ParseRequirement reads text against the patterns, first match wins.
func ParseRequirement(text string, patterns []RequirementPattern) Requirement {
	r := Requirement{Text: strings.TrimSpace(text)}
	for _, p := range patterns {
		if p.Pattern == nil {
			continue
		}
		if id := p.Pattern.FindString(r.Text); id != "" {
			r.ID, r.URL = id, strings.ReplaceAll(p.URL, "{id}", url.PathEscape(id))
			return r
		}
	}
	return r
}

// CutRequest is a /branch command.
type CutRequest struct {
	Actor       Actor
	App         string
	Name        string
	Requirement string
}

// CutBranch cuts req.Name from the app's main branch for someone in its
// release teams, records it with its requirement and audits it.
func (e *Engine) CutBranch(ctx context.Context, req CutRequest) (Branch, error) {
	app, ref := e.App(req.App)
	if ref != nil {
		return Branch{}, e.refused(ctx, req.Actor, req.App, 0, ref)
	}
	if ref := e.cutGates(app, req); ref != nil {
		return Branch{}, e.refused(ctx, req.Actor, app.Name, 0, ref)
	}
	commit, err := e.cfg.Cutter.Cut(ctx, CutQuery{App: app.Name, Repo: app.Repo, Name: req.Name, MainBranch: app.MainBranch})
	switch {
	case errors.Is(err, ErrBranchName):
		return Branch{}, e.refused(ctx, req.Actor, app.Name, 0, Refuse(CodeBranchNameInvalid, "branch", req.Name))
	case errors.Is(err, ErrBranchExists):
		return Branch{}, e.refused(ctx, req.Actor, app.Name, 0, Refuse(CodeBranchExists, "app", app.Name, "branch", req.Name))
	case err != nil:
		return Branch{}, fmt.Errorf("cutting branch %s of %s: %w", req.Name, app.Name, err)
	}
	b := Branch{App: app.Name, Name: req.Name, Commit: commit, Requester: req.Actor.StaffID, CreatedAt: e.Now(),
		Requirement: ParseRequirement(req.Requirement, app.Requirements)}
	ev := AuditEvent{At: b.CreatedAt, Actor: req.Actor.StaffID, OSUser: req.Actor.OSUser, Kind: AuditBranch,
		App: app.Name, Origin: req.Actor.Origin, Detail: fmt.Sprintf("branch %s from %s@%s requirement=%q url=%s",
			b.Name, app.MainBranch, shortSHA(commit), b.Requirement.Text, b.Requirement.URL)}
	if ev.Actor == "" {
		ev.Actor = SystemActor
	}
	saved, err := e.cfg.Branches.RecordBranch(ctx, b, ev)
	if errors.Is(err, ErrDuplicate) {
		// Recorded before and since deleted from the repository: the new
		// branch stands, the first record (and its requirement) stays.
		e.log.WarnContext(ctx, "branch cut again; keeping its first record", "app", app.Name, "branch", b.Name)
		e.audit(ctx, req.Actor, AuditBranch, app.Name, 0, ev.Detail+" (recut; first record kept)")
		return b, nil
	}
	if err != nil {
		return Branch{}, fmt.Errorf("recording branch %s of %s (cut at %s): %w", b.Name, app.Name, commit, err)
	}
	return saved, nil
}

// cutGates: branching configured, a repository, permission.
func (e *Engine) cutGates(app *App, req CutRequest) *Refusal {
	switch {
	case e.cfg.Cutter == nil || e.cfg.Branches == nil:
		return Refuse(CodeNoBranching, "app", app.Name)
	case app.Repo == "":
		return Refuse(CodeNoRepo, "app", app.Name)
	case !app.CanRequest(req.Actor.StaffID):
		return Refuse(CodeNotPermitted, "app", app.Name, "user", req.Actor.StaffID,
			"teams", append(append([]string{}, app.ReleaseTeams...), app.ApproverTeams...))
	}
	return nil
}

// Branches lists the branches dingops cut for app.
func (e *Engine) Branches(ctx context.Context, actor Actor, name string, limit int) ([]Branch, error) {
	app, ref := e.App(name)
	if ref != nil {
		return nil, ref
	}
	if e.cfg.Branches == nil {
		return nil, Refuse(CodeNoBranching, "app", app.Name)
	}
	return e.cfg.Branches.Branches(ctx, app.Name, limit)
}

// branchRequirement is the requirement of a branch dingops cut, if any.
func (e *Engine) branchRequirement(ctx context.Context, app, branch string) Requirement {
	if e.cfg.Branches == nil {
		return Requirement{}
	}
	b, err := e.cfg.Branches.BranchByName(ctx, app, branch)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			e.log.WarnContext(ctx, "reading branch requirement", "app", app, "branch", branch, "err", err)
		}
		return Requirement{}
	}
	return b.Requirement
}

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
