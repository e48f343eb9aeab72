package core

import "context"

// ArtifactResolver is implemented by deployers that can complete an
// artifact from its reference alone (digest, display), so `dingops record`
// and the release-record API store what the target will later report as live.
type ArtifactResolver interface {
	Resolve(ctx context.Context, ref string) (Artifact, error)
}

// CheckNoter is implemented by deployers whose Check can pass with a
// caveat people must see before they approve: a GitOps-managed Deployment
// patched because the configuration allows the override, a Helm-managed one
// the next upgrade changes back. The engine calls CheckNotes instead of
// Check: an error refuses as Check's would; each note becomes a warning on
// the card (CodeTargetNote) and an audit event (AuditTargetNote).
type CheckNoter interface {
	CheckNotes(ctx context.Context, a Artifact) ([]string, error)
}

// checkNotes runs d's Check, with its notes when it has them.
func checkNotes(ctx context.Context, d Deployer, a Artifact) ([]string, error) {
	if n, ok := d.(CheckNoter); ok {
		return n.CheckNotes(ctx, a)
	}
	return nil, d.Check(ctx, a)
}

// SourceControl answers the branch pre-checks of a release.
type SourceControl interface {
	// Inspect fetches the app's repository and reports on q.Branch against
	// q.MainBranch. A branch that does not exist is reported (Exists false),
	// not an error.
	Inspect(ctx context.Context, q BranchQuery) (BranchReport, error)
}

// BranchQuery names what to inspect.
type BranchQuery struct {
	App        string
	Repo       string // clone URL or path
	Branch     string
	MainBranch string
	LiveCommit string // commit of what is live now, if known
	PrevCommit string // commit of the previous release, for "commits since"
}

// BranchReport is what the repository says about a branch.
type BranchReport struct {
	Exists      bool
	Commit      string   // the branch head
	Conflicts   []string // files that do not merge cleanly into the main branch
	MissingLive []Commit // commits live now that the branch lacks
	Commits     []Commit // commits since PrevCommit (or since the merge base with main), newest first
}

// CommitLog lists, from the app's repository, what putting one commit live
// in place of another changes. Cards show it: a rollback's undone commits,
// a release's new ones. The git adapter implements it beside SourceControl.
type CommitLog interface {
	// Range compares q.Target with q.Live. A commit the repository does not
	// have is reported in CommitRange.Unknown, not as an error.
	Range(ctx context.Context, q RangeQuery) (CommitRange, error)
}

// RangeQuery names the two commits to compare.
type RangeQuery struct {
	App    string
	Repo   string // clone URL or path
	Live   string // the commit live now
	Target string // the commit the request puts live
	Max    int    // longest list returned; 0 means the adapter's default
}

// CommitRange is what replacing Live by Target does, as git tells it: the
// first-parent history of each side that the other lacks, newest first.
// A merge commit stands for the commits it merged (Commit.Merged).
type CommitRange struct {
	Live, Target string
	Undone       []Commit // reachable from Live, not from Target: taken out
	UndoneTotal  int      // len(Undone) plus those beyond Max
	Added        []Commit // reachable from Target, not from Live: put in
	AddedTotal   int
	Diverged     bool     // neither commit is an ancestor of the other
	Base         string   // their merge base when diverged ("" when unrelated)
	Unknown      []string // of Live and Target, the commits the repository lacks
	Failed       string   // set by the engine when git could not be asked: why
}

// Empty reports whether the range says nothing: no commits either way and
// nothing unknown.
func (c CommitRange) Empty() bool {
	return c.UndoneTotal == 0 && c.AddedTotal == 0 && len(c.Unknown) == 0 && !c.Diverged && c.Failed == ""
}
