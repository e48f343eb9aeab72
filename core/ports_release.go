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
