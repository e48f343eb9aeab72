package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/dingops/dingops/core"
)

// The release reads every chat command makes (the plan of a rollback, the
// card's rendering) as hot statements (prepared.go) with a fixed column
// list scanned without reflection.

const releaseColumns = `r.id, r.app, r.version, r.kind, r.rollback_of, r.status, r.artifact_kind, r.artifact_ref,
	r.artifact_digest, r.artifact_display, r.requester, r.reason, r.urgent, r.origin_msg_id, r.chat_id, r.branch,
	r.commit_sha, r.commits, r.warnings, r.options, r.requirement, r.approvals_needed, r.expires_at, r.build_ref, r.output, r.error,
	r.rolled_back, r.rolled_back_by, r.created_at, r.updated_at, r.decided_at, r.started_at, r.finished_at`

var (
	qReleaseByID      = "SELECT " + releaseColumns + " FROM releases r WHERE r.id = ?"
	qReleaseByVersion = "SELECT " + releaseColumns + " FROM releases r WHERE r.app = ? AND r.version = ?"
	qActive           = "SELECT " + releaseColumns + " FROM releases r WHERE r.app = ? AND r.status IN (" +
		placeholders(len(activeStatuses)) + ") LIMIT 1"
	// what is live: the app's row names the release; one statement, two
	// primary-key lookups.
	qLive = "SELECT " + releaseColumns + " FROM apps a JOIN releases r ON r.id = a.live_release_id WHERE a.name = ?"
)

// hotRelease reads one release (without approvals) by a hot query.
func (s *Store) hotRelease(ctx context.Context, query string, args ...any) (core.Release, error) {
	var w releaseRow
	var origin sql.NullString
	err := s.hotQueryRow(ctx, true, query, releaseDest(&w, &origin), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Release{}, core.ErrNotFound
	}
	if err != nil {
		return core.Release{}, err
	}
	w.OriginMsgID = origin.String
	return w.release(), nil
}

// releaseDest lists releaseColumns' scan destinations. Keep both lists
// equal to releaseRow's columns: TestHotColumnsAreReleaseRow checks it.
func releaseDest(w *releaseRow, origin *sql.NullString) []any {
	return []any{&w.ID, &w.App, &w.Version, &w.Kind, &w.RollbackOf, &w.Status, &w.ArtifactKind, &w.ArtifactRef,
		&w.ArtifactDigest, &w.ArtifactDisplay, &w.Requester, &w.Reason, &w.Urgent, origin, &w.ChatID, &w.Branch,
		&w.CommitSHA, &w.Commits, &w.Warnings, &w.Options, &w.Requirement, &w.ApprovalsNeeded, &w.ExpiresAt, &w.BuildRef, &w.Output, &w.Error,
		&w.RolledBack, &w.RolledBackBy, &w.CreatedAt, &w.UpdatedAt, &w.DecidedAt, &w.StartedAt, &w.FinishedAt}
}

// hotReleases reads several releases (without approvals).
func (s *Store) hotReleases(ctx context.Context, query string, args ...any) ([]releaseRow, error) {
	var out []releaseRow
	err := s.hotQuery(ctx, query, func(rows *sql.Rows) error {
		var w releaseRow
		var origin sql.NullString
		if err := rows.Scan(releaseDest(&w, &origin)...); err != nil {
			return err
		}
		w.OriginMsgID = origin.String
		out = append(out, w)
		return nil
	}, args...)
	return out, err
}

// hotApprovals reads the approvals of the releases ids, oldest first.
func (s *Store) hotApprovals(ctx context.Context, ids ...int64) ([]approvalRow, error) {
	q := "SELECT release_id, approver, decision, comment, origin, at FROM approvals WHERE release_id IN (" +
		placeholders(len(ids)) + ") ORDER BY at ASC, approver ASC"
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var out []approvalRow
	err := s.hotQuery(ctx, q, func(rows *sql.Rows) error {
		var a approvalRow
		if err := rows.Scan(&a.ReleaseID, &a.Approver, &a.Decision, &a.Comment, &a.Origin, &a.At); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	}, args...)
	return out, err
}

func activeArgs(app string) []any {
	args := make([]any, 0, 1+len(activeStatuses))
	args = append(args, app)
	for _, st := range activeStatuses {
		args = append(args, st)
	}
	return args
}

// qHistory reads the (app, version) index backwards from a version.
var qHistory = "SELECT " + releaseColumns + " FROM releases r WHERE r.app = ? AND r.version < ? ORDER BY r.version DESC LIMIT ?"

// hotLocks reads one app's locks, by slot.
func (s *Store) hotLocks(ctx context.Context, app string) ([]lockRow, error) {
	var out []lockRow
	err := s.hotQuery(ctx, `SELECT app, slot, kind, holder, release_id, reason, since, lease_until FROM locks
		WHERE app = ? ORDER BY slot ASC`, func(rows *sql.Rows) error {
		var l lockRow
		if err := rows.Scan(&l.App, &l.Slot, &l.Kind, &l.Holder, &l.ReleaseID, &l.Reason, &l.Since, &l.LeaseUntil); err != nil {
			return err
		}
		out = append(out, l)
		return nil
	}, app)
	return out, err
}
