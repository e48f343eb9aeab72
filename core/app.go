package core

import (
	"slices"
	"time"
)

// App is one deployable thing as the engine sees it: configuration already
// parsed and teams resolved to staff ids (bot/system maps configs to this).
type App struct {
	Name   string
	Target TargetKind
	Chats  []string // conversation ids the app's cards go to
	Sets   []string // app sets it belongs to

	ReleaseTeams  []string // team names, for messages
	ApproverTeams []string
	Releasers     []string // staff ids that may request releases and rollbacks
	Approvers     []string // staff ids that may approve

	Repo       string // git repository, for releases
	MainBranch string
	Job        string // builder job, for releases

	Policy Policy
	// Alerts is the post-release watch and what an attributed alert does.
	Alerts AlertSettings
	// Requirements recognise requirement ids in /branch (the app's own
	// patterns, then the global ones).
	Requirements []RequirementPattern
	// Options are the release options /release accepts (docs/options.md).
	Options []OptionSpec
}

// Policy is an app's rules for requests and their approval.
type Policy struct {
	Rollback ApprovalPolicy
	Release  ApprovalPolicy
	Urgent   ApprovalPolicy // break-glass requests, either kind
	// RollbackNeedsWindow makes rollbacks outside a window or on a holiday
	// take the urgent path; by default a rollback is the fix and allowed.
	RollbackNeedsWindow bool
	// LockAfterRollback freezes releases after a successful rollback until
	// someone in the app's teams unlocks it.
	LockAfterRollback bool
	// WarnMissingLive turns the "branch lacks live commits" refusal into a
	// warning on the card.
	WarnMissingLive bool
}

// ApprovalPolicy is who must approve one kind of request.
type ApprovalPolicy struct {
	Approvals    int  // distinct approvers needed; 0 = none
	SelfApproval bool // the requester may be one of them
	// OneClick lets an approver who files a rollback with a card's Roll back
	// button approve it with the same click, when one approval is needed.
	OneClick bool
	Expiry   time.Duration // pending longer than this → expired
}

// DefaultPolicy is the policy of an app that configures none: a rollback
// needs one approver other than the requester; a release needs none; an
// urgent request needs one other approver; requests expire after 30 minutes;
// a rollback freezes releases.
func DefaultPolicy() Policy {
	return Policy{
		Rollback:          ApprovalPolicy{Approvals: 1, Expiry: 30 * time.Minute},
		Release:           ApprovalPolicy{Approvals: 0, Expiry: 30 * time.Minute},
		Urgent:            ApprovalPolicy{Approvals: 1, Expiry: 30 * time.Minute},
		LockAfterRollback: true,
	}
}

// For is the approval policy of a request of kind, urgent or not.
// An urgent request skips the window, not the approvals: it needs the
// urgent rule's approvals or the normal rule's, whichever is more, allows
// self-approval only if the normal rule does too (or needs no one), and expires as the urgent rule says.
func (p Policy) For(kind Kind, urgent bool) ApprovalPolicy {
	normal := p.Release
	if kind == KindRollback {
		normal = p.Rollback
	}
	if !urgent {
		return normal
	}
	u := p.Urgent
	u.Approvals = max(u.Approvals, normal.Approvals)
	u.SelfApproval = u.SelfApproval && (normal.Approvals == 0 || normal.SelfApproval)
	return u
}

// CanRequest reports whether staff may request releases and rollbacks.
func (a *App) CanRequest(staff string) bool {
	return slices.Contains(a.Releasers, staff) || slices.Contains(a.Approvers, staff)
}

// CanApprove reports whether staff may approve or reject.
func (a *App) CanApprove(staff string) bool { return slices.Contains(a.Approvers, staff) }

// InChat reports whether the app belongs to the conversation.
func (a *App) InChat(chat string) bool { return slices.Contains(a.Chats, chat) }
