package web

import (
	"time"

	"github.com/dingops/dingops/core"
)

// releaseJSON is a release as the API shows it; times are RFC 3339 in UTC
// and absent when not reached.
type releaseJSON struct {
	ID           int64          `json:"id"`
	Label        string         `json:"label"`
	App          string         `json:"app"`
	Version      int            `json:"version"`
	Kind         core.Kind      `json:"kind"`
	RollbackOf   int            `json:"rollback_of,omitempty"`
	Status       core.Status    `json:"status"`
	Artifact     artifactJSON   `json:"artifact"`
	Requester    string         `json:"requester"`
	Reason       string         `json:"reason,omitempty"`
	Urgent       bool           `json:"urgent,omitempty"`
	Commit       string         `json:"commit,omitempty"`
	Approvals    []approvalJSON `json:"approvals,omitempty"`
	Error        string         `json:"error,omitempty"`
	RolledBack   bool           `json:"rolled_back,omitempty"`
	RolledBackBy int64          `json:"rolled_back_by,omitempty"`
	CreatedAt    *time.Time     `json:"created_at,omitempty"`
	DecidedAt    *time.Time     `json:"decided_at,omitempty"`
	StartedAt    *time.Time     `json:"started_at,omitempty"`
	FinishedAt   *time.Time     `json:"finished_at,omitempty"`
}

type artifactJSON struct {
	Kind    core.TargetKind `json:"kind,omitempty"`
	Ref     string          `json:"ref"`
	Digest  string          `json:"digest,omitempty"`
	Display string          `json:"display,omitempty"`
}

type approvalJSON struct {
	Approver string        `json:"approver"`
	Decision core.Decision `json:"decision"`
	Comment  string        `json:"comment,omitempty"`
	At       *time.Time    `json:"at,omitempty"`
}

func releaseOut(r core.Release) releaseJSON {
	out := releaseJSON{ID: int64(r.ID), Label: r.Label(), App: r.App, Version: r.Version, Kind: r.Kind,
		RollbackOf: r.RollbackOf, Status: r.Status, Requester: r.Requester, Reason: r.Reason, Urgent: r.Urgent,
		Commit: r.Commit, Error: r.Error, RolledBack: r.RolledBack, RolledBackBy: int64(r.RolledBackBy),
		Artifact:  artifactJSON{Kind: r.Artifact.Kind, Ref: r.Artifact.Ref, Digest: r.Artifact.Digest, Display: r.Artifact.Display},
		CreatedAt: utc(r.CreatedAt), DecidedAt: utc(r.DecidedAt), StartedAt: utc(r.StartedAt), FinishedAt: utc(r.FinishedAt)}
	for _, a := range r.Approvals {
		out.Approvals = append(out.Approvals, approvalJSON{Approver: a.Approver, Decision: a.Decision, Comment: a.Comment, At: utc(a.At)})
	}
	return out
}

func utc(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
