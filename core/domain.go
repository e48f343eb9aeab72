// Package core is the release engine of dingops: domain types, policy and
// pre-checks, approvals, the release/rollback state machine and the worker.
//
// core imports only the standard library and pure libraries without I/O; the
// ports it needs from the outside world are declared in ports.go and
// implemented by store/ and adapters/.
package core

import (
	"fmt"
	"time"
)

// ReleaseID is the global id of a release, shown as "#123".
type ReleaseID int64

// String renders the id the way every card and command shows it.
func (id ReleaseID) String() string { return fmt.Sprintf("#%d", int64(id)) }

// Kind says whether a release takes a new build live or restores a recorded one.
type Kind string

// Release kinds.
const (
	KindRelease  Kind = "release"
	KindRollback Kind = "rollback"
)

// TargetKind names the kind of deploy target of an app, and so the kind of
// artifact its releases record.
type TargetKind string

// Target kinds.
const (
	TargetContainer TargetKind = "container"
	TargetOSS       TargetKind = "oss"
	TargetMiniApp   TargetKind = "miniapp"
)

// Artifact is what a release makes live: an image reference, a hashed
// manifest key and its ETag, or a mini-program version id and string.
type Artifact struct {
	Kind    TargetKind
	Ref     string // image reference, manifest key, or platform version id
	Digest  string // image digest, ETag; may be empty
	Display string // short human form, e.g. "0.3.1" or "web:v42"
}

// IsZero reports whether no artifact is recorded.
func (a Artifact) IsZero() bool { return a.Ref == "" && a.Digest == "" }

// Same reports whether two artifacts denote the same deployable content: by
// digest when both have one, by reference otherwise.
func (a Artifact) Same(b Artifact) bool {
	if a.IsZero() || b.IsZero() {
		return false
	}
	if a.Digest != "" && b.Digest != "" {
		return a.Digest == b.Digest
	}
	return a.Ref == b.Ref
}

// Label is the short form shown to people.
func (a Artifact) Label() string {
	if a.Display != "" {
		return a.Display
	}
	return a.Ref
}

// Commit is one git commit included in a release.
type Commit struct {
	SHA     string
	Author  string
	Subject string
	Merged  int // for a merge commit: how many commits it brought in
}

// Release is one attempt to change what is live for an app.
type Release struct {
	ID         ReleaseID
	App        string
	Version    int // per app, assigned at creation, never reused
	Kind       Kind
	RollbackOf int // for a rollback: the version whose artifact is restored
	Status     Status
	Artifact   Artifact

	Requester   string // DingTalk staff id
	Reason      string
	Urgent      bool
	OriginMsgID string // unique: a repeated message never makes a second release
	ChatID      string
	Branch      string
	Commit      string
	Commits     []Commit     // commits since the previous release, where known
	Changes     *CommitRange // from git: what this release changes against what was live; nil when unknown
	Warnings    []Reason     // accepted by policy but shown on the card
	// Options are the release options given with /release, in the app's
	// declaration order; Requirement is the branch's, when dingops cut it.
	Options     []OptionValue
	Requirement Requirement

	ApprovalsNeeded int
	Approvals       []Approval
	ExpiresAt       time.Time

	BuildRef string // the builder's handle (a build URL), once started
	Output   string // tail of deploy/build output, kept with the release
	Error    string

	RolledBack   bool      // moved away from by a later rollback
	RolledBackBy ReleaseID // that rollback

	CreatedAt  time.Time
	UpdatedAt  time.Time
	DecidedAt  time.Time // approved, rejected, expired or cancelled
	StartedAt  time.Time // claimed by a worker
	FinishedAt time.Time
}

// Label renders "#123 · web v57", the way cards and replies name a release.
func (r Release) Label() string {
	return fmt.Sprintf("%s · %s v%d", r.ID, r.App, r.Version)
}

// Decision is an approver's answer.
type Decision string

// Decisions.
const (
	DecisionApprove Decision = "approve"
	DecisionReject  Decision = "reject"
)

// Origin says where a command came from: typed text, a card button, the
// shell, or the HTTP API.
type Origin string

// Origins.
const (
	OriginText  Origin = "text"
	OriginCard  Origin = "card"
	OriginShell Origin = "shell"
	OriginAPI   Origin = "api"
)

// Approval is one approver's decision on a release.
type Approval struct {
	ReleaseID ReleaseID
	Approver  string // staff id
	Decision  Decision
	Comment   string
	Origin    Origin
	OSUser    string // the shell user of a decision made through `dingops chat`; audited, not stored here
	At        time.Time
}

// LockKind tells why an app is locked.
type LockKind string

// Lock kinds. A run lock is held by a worker while it builds and deploys;
// a manual or after-rollback lock is a freeze set by people or by a rollback.
const (
	LockRun           LockKind = "run"
	LockManual        LockKind = "manual"
	LockAfterRollback LockKind = "after_rollback"
)

// Lock is a hold on an app.
type Lock struct {
	App        string
	Kind       LockKind
	Holder     string    // worker id for a run lock, staff id otherwise
	ReleaseID  ReleaseID // the release being run, or the rollback that froze the app
	Reason     string
	Since      time.Time
	LeaseUntil time.Time // run locks only: the holder must renew before then
}

// Expired reports whether a run lock's lease has lapsed at now.
func (l Lock) Expired(now time.Time) bool {
	return l.Kind == LockRun && !l.LeaseUntil.IsZero() && !now.Before(l.LeaseUntil)
}

// AuditKind names what an audit event records.
type AuditKind string

// Audit event kinds.
const (
	AuditRequest    AuditKind = "request"
	AuditRecord     AuditKind = "record"
	AuditApprove    AuditKind = "approve"
	AuditReject     AuditKind = "reject"
	AuditRefusal    AuditKind = "refusal"
	AuditOverride   AuditKind = "urgent_override"
	AuditLock       AuditKind = "lock"
	AuditUnlock     AuditKind = "unlock"
	AuditTransition AuditKind = "transition"
	AuditStep       AuditKind = "step"
	AuditCancel     AuditKind = "cancel"
	AuditExpire     AuditKind = "expire"
	AuditConfig     AuditKind = "config_load"
	// AuditTargetNote records a caveat the target accepted a request with
	// (a GitOps override), so who went ahead anyway is on record.
	AuditTargetNote AuditKind = "target_note"
)

// AuditEvent is one append-only record of who did what.
type AuditEvent struct {
	ID        int64
	At        time.Time
	Actor     string // staff id, or "dingops" for the engine itself
	OSUser    string // the shell user, for commands run through `dingops chat`/`record`
	Kind      AuditKind
	App       string
	ReleaseID ReleaseID
	Origin    Origin
	Detail    string
}
