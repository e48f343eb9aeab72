package store

import (
	"encoding/json"
	"strings"

	"github.com/uptrace/bun"

	"github.com/dingops/dingops/core"
)

// releaseRow is a release as stored; core.Release carries no storage tags.
type releaseRow struct {
	bun.BaseModel `bun:"table:releases"`

	ID              int64  `bun:"id,pk,autoincrement"`
	App             string `bun:"app"`
	Version         int    `bun:"version"`
	Kind            string `bun:"kind"`
	RollbackOf      int    `bun:"rollback_of"`
	Status          string `bun:"status"`
	ArtifactKind    string `bun:"artifact_kind"`
	ArtifactRef     string `bun:"artifact_ref"`
	ArtifactDigest  string `bun:"artifact_digest"`
	ArtifactDisplay string `bun:"artifact_display"`
	Requester       string `bun:"requester"`
	Reason          string `bun:"reason"`
	Urgent          bool   `bun:"urgent"`
	OriginMsgID     string `bun:"origin_msg_id,nullzero"`
	ChatID          string `bun:"chat_id"`
	Branch          string `bun:"branch"`
	CommitSHA       string `bun:"commit_sha"`
	Commits         string `bun:"commits"`
	Warnings        string `bun:"warnings"`
	Options         string `bun:"options"`
	Requirement     string `bun:"requirement"`
	ApprovalsNeeded int    `bun:"approvals_needed"`
	ExpiresAt       int64  `bun:"expires_at"`
	BuildRef        string `bun:"build_ref"`
	Output          string `bun:"output"`
	Error           string `bun:"error"`
	RolledBack      bool   `bun:"rolled_back"`
	RolledBackBy    int64  `bun:"rolled_back_by"`
	CreatedAt       int64  `bun:"created_at"`
	UpdatedAt       int64  `bun:"updated_at"`
	DecidedAt       int64  `bun:"decided_at"`
	StartedAt       int64  `bun:"started_at"`
	FinishedAt      int64  `bun:"finished_at"`
}

type approvalRow struct {
	bun.BaseModel `bun:"table:approvals"`

	ReleaseID int64  `bun:"release_id,pk"`
	Approver  string `bun:"approver,pk"`
	Decision  string `bun:"decision"`
	Comment   string `bun:"comment"`
	Origin    string `bun:"origin"`
	At        int64  `bun:"at"`
}

type lockRow struct {
	bun.BaseModel `bun:"table:locks"`

	App        string `bun:"app,pk"`
	Slot       string `bun:"slot,pk"`
	Kind       string `bun:"kind"`
	Holder     string `bun:"holder"`
	ReleaseID  int64  `bun:"release_id"`
	Reason     string `bun:"reason"`
	Since      int64  `bun:"since"`
	LeaseUntil int64  `bun:"lease_until"`
}

type auditRow struct {
	bun.BaseModel `bun:"table:audit_events"`

	ID        int64  `bun:"id,pk,autoincrement"`
	At        int64  `bun:"at"`
	Actor     string `bun:"actor"`
	OSUser    string `bun:"os_user"`
	Kind      string `bun:"kind"`
	App       string `bun:"app"`
	ReleaseID int64  `bun:"release_id"`
	Origin    string `bun:"origin"`
	Detail    string `bun:"detail"`
}

func toReleaseRow(r core.Release) releaseRow {
	commits := commitsJSON(r.Commits, r.Changes)
	warnings := ""
	if len(r.Warnings) > 0 {
		b, _ := json.Marshal(r.Warnings)
		warnings = string(b)
	}
	row := releaseRow{ID: int64(r.ID), Warnings: warnings, App: r.App, Version: r.Version, Kind: string(r.Kind), RollbackOf: r.RollbackOf,
		Status: string(r.Status), ArtifactKind: string(r.Artifact.Kind), ArtifactRef: r.Artifact.Ref,
		ArtifactDigest: r.Artifact.Digest, ArtifactDisplay: r.Artifact.Display, Requester: r.Requester,
		Reason: r.Reason, Urgent: r.Urgent, OriginMsgID: r.OriginMsgID, ChatID: r.ChatID, Branch: r.Branch,
		CommitSHA: r.Commit, Commits: commits, ApprovalsNeeded: r.ApprovalsNeeded, ExpiresAt: ms(r.ExpiresAt),
		BuildRef: r.BuildRef, Output: r.Output, Error: r.Error, RolledBack: r.RolledBack,
		RolledBackBy: int64(r.RolledBackBy), CreatedAt: ms(r.CreatedAt), UpdatedAt: ms(r.UpdatedAt),
		DecidedAt: ms(r.DecidedAt), StartedAt: ms(r.StartedAt), FinishedAt: ms(r.FinishedAt)}
	row.Options, row.Requirement = encodeExtras(r)
	return row
}

func (w releaseRow) release() core.Release {
	commits, changes := parseCommits(w.Commits)
	var warnings []core.Reason
	if w.Warnings != "" {
		_ = json.Unmarshal([]byte(w.Warnings), &warnings)
	}
	rel := core.Release{ID: core.ReleaseID(w.ID), Warnings: warnings, App: w.App, Version: w.Version, Kind: core.Kind(w.Kind),
		RollbackOf: w.RollbackOf, Status: core.Status(w.Status),
		Artifact: core.Artifact{Kind: core.TargetKind(w.ArtifactKind), Ref: w.ArtifactRef, Digest: w.ArtifactDigest,
			Display: w.ArtifactDisplay},
		Requester: w.Requester, Reason: w.Reason, Urgent: w.Urgent, OriginMsgID: w.OriginMsgID, ChatID: w.ChatID,
		Branch: w.Branch, Commit: w.CommitSHA, Commits: commits, Changes: changes, ApprovalsNeeded: w.ApprovalsNeeded,
		ExpiresAt: fromMS(w.ExpiresAt), BuildRef: w.BuildRef, Output: w.Output, Error: w.Error,
		RolledBack: w.RolledBack, RolledBackBy: core.ReleaseID(w.RolledBackBy), CreatedAt: fromMS(w.CreatedAt),
		UpdatedAt: fromMS(w.UpdatedAt), DecidedAt: fromMS(w.DecidedAt), StartedAt: fromMS(w.StartedAt),
		FinishedAt: fromMS(w.FinishedAt)}
	rel.Options, rel.Requirement = w.decodeExtras()
	return rel
}

func (a approvalRow) approval() core.Approval {
	return core.Approval{ReleaseID: core.ReleaseID(a.ReleaseID), Approver: a.Approver, Decision: core.Decision(a.Decision),
		Comment: a.Comment, Origin: core.Origin(a.Origin), At: fromMS(a.At)}
}

func (l lockRow) lock() core.Lock {
	return core.Lock{App: l.App, Kind: core.LockKind(l.Kind), Holder: l.Holder, ReleaseID: core.ReleaseID(l.ReleaseID),
		Reason: l.Reason, Since: fromMS(l.Since), LeaseUntil: fromMS(l.LeaseUntil)}
}

func toLockRow(l core.Lock) lockRow {
	slot := slotFreeze
	if l.Kind == core.LockRun {
		slot = slotRun
	}
	return lockRow{App: l.App, Slot: slot, Kind: string(l.Kind), Holder: l.Holder, ReleaseID: int64(l.ReleaseID),
		Reason: l.Reason, Since: ms(l.Since), LeaseUntil: ms(l.LeaseUntil)}
}

// Lock slots: an app has at most one run lock and one freeze.
const (
	slotRun    = "run"
	slotFreeze = "freeze"
)

func statusStrings(ss []core.Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// storedCommits is the commits column once git ranges came: the card's
// list and the range it came from. Older rows hold the list alone, as a
// JSON array.
type storedCommits struct {
	Commits []core.Commit     `json:"commits,omitempty"`
	Range   *core.CommitRange `json:"range,omitempty"`
}

func commitsJSON(list []core.Commit, rng *core.CommitRange) string {
	var v any = list
	switch {
	case rng != nil:
		v = storedCommits{Commits: list, Range: rng}
	case len(list) == 0:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func parseCommits(s string) ([]core.Commit, *core.CommitRange) {
	if strings.HasPrefix(s, "[") {
		var list []core.Commit
		_ = json.Unmarshal([]byte(s), &list)
		return list, nil
	}
	var sc storedCommits
	if s != "" {
		_ = json.Unmarshal([]byte(s), &sc)
	}
	return sc.Commits, sc.Range
}
