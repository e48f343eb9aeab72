package core

import (
	"context"
	"errors"
	"io"
	"time"
)

// Sentinel errors the stores and adapters return; the bot maps them to fixed
// messages.
var (
	// ErrNotFound: the release, lock or row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrStale: a compare-and-set lost, the row is no longer in the expected state.
	ErrStale = errors.New("stale: state changed meanwhile")
	// ErrExpired: a decision came at or after the request's expiry; the
	// store expired the request instead, in the same transaction.
	ErrExpired = errors.New("the request expired before the decision")
	// ErrDuplicate: the unique key (message id, approver) is already recorded.
	ErrDuplicate = errors.New("duplicate")
	// ErrActiveExists: the app already has an unfinished release.
	ErrActiveExists = errors.New("app has an active release")
	// ErrLocked: the lock is held by someone else.
	ErrLocked = errors.New("locked")
	// ErrLiveUnknown: the target cannot tell what it runs; the engine falls
	// back to the last recorded release.
	ErrLiveUnknown = errors.New("target cannot report what is live")
	// ErrOutcomeUnknown: a deployer's step may or may not have been applied
	// (it timed out, or the connection was lost after the request went
	// out). Deployers may wrap it; timeouts and lost connections count
	// without it.
	ErrOutcomeUnknown = errors.New("deploy outcome unknown")
)

// Clock is the injected source of time.
type Clock interface {
	Now() time.Time
}

// RequestRecorder is what a ReleaseStore may also do: store a request as
// CreateRelease does and, in the same transaction, the audit events audit
// makes from the stored release (which has its id and version only then).
// A request is then never on record without its audit, and costs one
// write instead of two. The engine uses it when its ReleaseStore has it;
// a store offering it must be the engine's AuditLog too.
type RequestRecorder interface {
	CreateRequest(ctx context.Context, r Release, audit func(Release) []AuditEvent) (Release, error)
}

// ReleaseStore keeps releases and their approvals.
type ReleaseStore interface {
	// CreateRelease assigns the next id and per-app version and stores r.
	// A repeated OriginMsgID returns the existing release and ErrDuplicate;
	// an app with an unfinished release returns that one and ErrActiveExists.
	CreateRelease(ctx context.Context, r Release) (Release, error)
	// Release reads a release with its approvals.
	Release(ctx context.Context, id ReleaseID) (Release, error)
	// ReleaseByVersion, Live and Active read without approvals: they answer
	// what was deployed, not who approved it.
	ReleaseByVersion(ctx context.Context, app string, version int) (Release, error)
	// History lists an app's releases newest version first, starting below
	// beforeVersion (0: from the newest).
	History(ctx context.Context, app string, beforeVersion, limit int) ([]Release, error)
	// Live is the release whose artifact is live for app (ErrNotFound if none).
	Live(ctx context.Context, app string) (Release, error)
	// Active is the app's unfinished release (ErrNotFound if none).
	Active(ctx context.Context, app string) (Release, error)
	// Find lists releases by status, optionally only those whose approval
	// expires before a time, oldest first.
	Find(ctx context.Context, f ReleaseFilter) ([]Release, error)
	// Transition moves a release from one of from to to, applying ch, as one
	// compare-and-set; ErrStale if its status is no longer in from. Like
	// every state change in the store, it appends its audit event in the
	// same transaction.
	Transition(ctx context.Context, id ReleaseID, from []Status, to Status, ch Change) (Release, error)
	// Decide records an approval or rejection and, when enough distinct
	// approvals are in, moves the release to approved, in one transaction.
	// ErrStale if the release is no longer pending; ErrDuplicate if this
	// approver already decided.
	Decide(ctx context.Context, a Approval, needed int) (Release, error)
	// Finish ends an in-flight release: on success it becomes what is live,
	// releases it moved away from are marked rolled back, the optional freeze
	// is set and the run lock is released, all in one transaction.
	Finish(ctx context.Context, id ReleaseID, from []Status, o Outcome) (Release, error)
}

// ReleaseFilter selects releases for the worker and the expiry loop.
type ReleaseFilter struct {
	App           string
	Statuses      []Status
	ExpiresBefore time.Time
	Limit         int
}

// Change is what a transition writes beside the status; nil fields stay.
type Change struct {
	At       time.Time
	Error    *string
	Output   *string
	Artifact *Artifact
	BuildRef *string
	Commit   *string
	Commits  []Commit
	Changes  *CommitRange // written with Commits
}

// Outcome is how an in-flight release ends.
type Outcome struct {
	Status Status // succeeded, failed or cancelled
	At     time.Time
	Error  string
	Output string
	Worker string // the run lock holder to release ("" = none held)
	Freeze *Lock  // set after a successful rollback when policy says so
}

// Claimed is a release a worker now holds.
type Claimed struct {
	Release Release
	Lock    Lock
	// Resumed is set when the worker took over an in-flight release whose
	// previous worker is gone: a deploy may already have happened.
	Resumed bool
}

// LockStore keeps app locks: the run lock a worker leases while it works,
// and freezes set by people or by a rollback.
type LockStore interface {
	// Claim takes release id for worker: it moves an approved release to
	// queued, or takes over an in-flight one whose run lock lapsed, and takes
	// the app's run lock, in one transaction. ErrStale if another worker got
	// it; ErrLocked (with the holder) if another release runs on the app.
	// A fresh claim records approved → queued and moves the release on to
	// its first working status — building for a release, deploying for a
	// rollback — in the same transaction, so nothing but the target's own
	// operation sits between an approval and the deploy.
	Claim(ctx context.Context, id ReleaseID, worker string, now time.Time, lease time.Duration) (Claimed, error)
	// Renew extends the run lock; ErrStale if the worker lost it.
	Renew(ctx context.Context, app, worker string, now time.Time, lease time.Duration) error
	// Freeze sets a manual or after-rollback lock; if one is set already it
	// returns that one and ErrLocked.
	Freeze(ctx context.Context, l Lock) (Lock, error)
	// Unfreeze removes the freeze and returns it (ErrNotFound if none).
	Unfreeze(ctx context.Context, app string) (Lock, error)
	// Locks lists locks of app, or of every app when app is "".
	Locks(ctx context.Context, app string) ([]Lock, error)
}

// AuditLog is the append-only record of who did what.
type AuditLog interface {
	Append(ctx context.Context, ev AuditEvent) error
	Audit(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
}

// AuditFilter selects audit events; zero fields match everything.
type AuditFilter struct {
	App       string
	Actor     string
	Kind      AuditKind
	ReleaseID ReleaseID
	Since     time.Time
	Until     time.Time
	Limit     int
}

// Replicas records which workers are alive, so `dingops chat` knows whether
// a running serve will pick up what it approves.
type Replicas interface {
	Beat(ctx context.Context, worker string, now time.Time) error
	// Leave removes worker's heartbeat when it stops cleanly, so nobody
	// waits for a replica that is gone.
	Leave(ctx context.Context, worker string) error
	Alive(ctx context.Context, since time.Time) ([]string, error)
}

// Deployer makes an artifact live on one app's target. Deploys are
// at-least-once: Deploy must be idempotent, and a resumed deploy asks Live
// first. A Deploy that returns an error is not taken as failed until the
// target has been read again (DeployVerifier, else Live).
type Deployer interface {
	// Check reports whether the artifact can be deployed (it exists, the
	// target accepts it); it runs when a request is made so the approval card
	// tells the truth. An error is shown to people as the reason.
	Check(ctx context.Context, a Artifact) error
	// Deploy makes req.Artifact live and returns when it is (or failed).
	Deploy(ctx context.Context, req DeployRequest) error
	// Live reports what the target runs now; ErrLiveUnknown if it cannot tell.
	Live(ctx context.Context) (Artifact, error)
}

// DeployVerifier is implemented by deployers that can tell whether one
// particular deploy landed better than by comparing Live with the
// artifact (OSS: the fixed key's dingops metadata names the release). An
// error means the target could not be read.
type DeployVerifier interface {
	Landed(ctx context.Context, req DeployRequest) (bool, error)
}

// DeployRequest is one deploy of one release.
type DeployRequest struct {
	App       string
	ReleaseID ReleaseID
	Version   int
	Kind      Kind
	Requester string
	// Options are the release's options (script targets: DINGOPS_OPT_<NAME>).
	Options  []OptionValue
	Artifact Artifact
	Previous Artifact  // what was live before, for reverting a failed rollout
	Log      io.Writer // progress and output; kept with the release
}

// Builder builds a release from a branch.
type Builder interface {
	// Start starts a build tagged with the release id, or finds the one
	// already started with that tag (a restarted worker never triggers a
	// second); it returns the build's reference.
	Start(ctx context.Context, req BuildRequest) (string, error)
	// Wait follows the build to its end and returns what it produced; a
	// failed build returns a *BuildError.
	Wait(ctx context.Context, ref string, log io.Writer) (BuildResult, error)
	// Stop aborts a running build.
	Stop(ctx context.Context, ref string) error
}

// BuildStartReporter is implemented by the log a Builder's Wait writes
// to. A builder whose Start handed back the handle of a queued build (a
// Jenkins queue item) reports the build's own reference once it started,
// so the release keeps it: the card names and links the build, and a
// resumed worker follows the build directly.
type BuildStartReporter interface {
	BuildStarted(ref string)
}

// BuildRequest is what a build is started with.
type BuildRequest struct {
	App       string
	Job       string
	Branch    string
	Commit    string
	ReleaseID ReleaseID
	Version   int
	Requester string
	// Options are the release options, passed as extra build parameters.
	Options []OptionValue
}

// BuildResult is what a successful build produced.
type BuildResult struct {
	Artifact Artifact
	Commit   string
	Commits  []Commit
	URL      string
}

// BuildError is a build that ran and did not succeed.
type BuildError struct {
	Ref     string
	Result  string // FAILURE, ABORTED, …
	LogTail string
}

func (e *BuildError) Error() string { return "build " + e.Ref + " ended " + e.Result }

// Step names a stage of the work on a release, for progress reports.
type Step string

// Steps reported through the Notifier.
const (
	StepRequested Step = "requested"
	StepApproved  Step = "approved"
	StepRejected  Step = "rejected"
	StepExpired   Step = "expired"
	StepCancelled Step = "cancelled"
	StepQueued    Step = "queued"
	StepBuilding  Step = "building"
	StepDeploying Step = "deploying"
	StepProgress  Step = "progress"
	StepSucceeded Step = "succeeded"
	StepFailed    Step = "failed"
	StepUnknown   Step = "unknown" // the deploy's outcome is not known yet
)

// Event is one progress report about a release.
type Event struct {
	Release Release
	Step    Step
	Message string
	At      time.Time
}

// Notifier tells people about progress (the bot updates the card). It must
// not block the worker for long; failures are the notifier's to log.
type Notifier interface {
	Notify(ctx context.Context, ev Event)
}

// Date is a calendar day, independent of time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the day t falls on in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String renders 2006-01-02.
func (d Date) String() string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// In is the midnight starting d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays is d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.In(time.UTC).AddDate(0, 0, n)) }

// DayKind classifies a date for release windows.
type DayKind string

// Day kinds.
const (
	DayOrdinary DayKind = "ordinary"       // a weekday or weekend as the week has it
	DayHoliday  DayKind = "holiday"        // statutory holiday (day off)
	DayMakeUp   DayKind = "makeup_workday" // 调休: a weekend day that is a working day
	DayFreeze   DayKind = "freeze"         // the company's own freeze
	DayWorkday  DayKind = "workday"        // overridden to a working day by configuration
	DayNoData   DayKind = "no_data"        // past the holiday data: cannot tell
)

// Day is what the calendar says about one date.
type Day struct {
	Date Date
	Kind DayKind
	Name string // holiday or freeze name
}

// Calendar classifies dates: statutory holidays, make-up working days,
// configured freezes and overrides.
type Calendar interface {
	Day(d Date) Day
}
