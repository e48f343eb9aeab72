package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/uptrace/bun"

	"github.com/dingops/dingops/core"
)

// lockRelease reads a release inside tx, locking its row on PostgreSQL.
func (s *Store) lockRelease(ctx context.Context, tx bun.Tx, id core.ReleaseID) (releaseRow, error) {
	var row releaseRow
	err := s.forUpdate(tx.NewSelect().Model(&row).Where("id = ?", int64(id))).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return row, core.ErrNotFound
	}
	if err != nil {
		return row, fmt.Errorf("reading %s: %w", id, err)
	}
	return row, nil
}

func (s *Store) reread(ctx context.Context, id core.ReleaseID, out *core.Release) {
	if r, err := s.Release(ctx, id); err == nil {
		*out = r
	}
}

// Transition implements core.ReleaseStore.
func (s *Store) Transition(ctx context.Context, id core.ReleaseID, from []core.Status, to core.Status, ch core.Change) (core.Release, error) {
	var out core.Release
	err := s.w.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row, err := s.lockRelease(ctx, tx, id)
		if err != nil {
			return err
		}
		if !core.Status(row.Status).In(from...) {
			return core.ErrStale
		}
		q := tx.NewUpdate().Table("releases").Where("id = ?", row.ID).
			Set("status = ?", string(to)).Set("updated_at = ?", ms(ch.At))
		q = applyChange(q, ch)
		if to.Final() {
			q = q.Set("finished_at = ?", ms(ch.At))
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("updating %s: %w", id, err)
		}
		if string(to) != row.Status {
			if err := appendAudit(ctx, tx, transitionAudit(row, ms(ch.At), row.Status+" → "+string(to))); err != nil {
				return err
			}
		}
		out, err = s.one(ctx, tx, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("id = ?", row.ID) })
		return err
	})
	if errors.Is(err, core.ErrStale) {
		s.reread(ctx, id, &out)
	}
	return out, err
}

func applyChange(q *bun.UpdateQuery, ch core.Change) *bun.UpdateQuery {
	if ch.Error != nil {
		q = q.Set("error = ?", *ch.Error)
	}
	if ch.Output != nil {
		q = q.Set("output = ?", *ch.Output)
	}
	if ch.BuildRef != nil {
		q = q.Set("build_ref = ?", *ch.BuildRef)
	}
	if ch.Commit != nil {
		q = q.Set("commit_sha = ?", *ch.Commit)
	}
	if ch.Artifact != nil {
		a := *ch.Artifact
		q = q.Set("artifact_kind = ?", string(a.Kind)).Set("artifact_ref = ?", a.Ref).
			Set("artifact_digest = ?", a.Digest).Set("artifact_display = ?", a.Display)
	}
	if ch.Commits != nil || ch.Changes != nil {
		q = q.Set("commits = ?", commitsJSON(ch.Commits, ch.Changes))
	}
	return q
}

// Decide implements core.ReleaseStore. It sits on the path from an
// Approve click to the deploy, so it reads the decisions made so far once
// and builds the answer from what it wrote, rather than asking the
// database again.
func (s *Store) Decide(ctx context.Context, a core.Approval, needed int) (core.Release, error) {
	var out core.Release
	var expired bool
	err := s.w.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row, err := s.lockRelease(ctx, tx, a.ReleaseID)
		if err != nil {
			return err
		}
		if row.Status != string(core.StatusPendingApproval) {
			return core.ErrStale
		}
		if expired = row.ExpiresAt != 0 && ms(a.At) >= row.ExpiresAt; expired {
			return expireRow(ctx, tx, row, a.At)
		}
		approvals, err := s.addApproval(ctx, tx, row, a)
		if err != nil {
			return err
		}
		from := row.Status
		if row, err = s.settle(ctx, tx, row, a, approvals, needed); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, decisionAudit(a, row, from)...); err != nil {
			return err
		}
		out = row.release()
		out.Approvals = approvals
		return nil
	})
	if err == nil && expired {
		s.reread(ctx, a.ReleaseID, &out)
		return out, core.ErrExpired
	}
	if errors.Is(err, core.ErrStale) || errors.Is(err, core.ErrDuplicate) {
		s.reread(ctx, a.ReleaseID, &out)
	} else if uniqueViolation(err) != "" {
		s.reread(ctx, a.ReleaseID, &out)
		return out, core.ErrDuplicate
	}
	return out, err
}

// addApproval records decision a on the locked release row, refusing a
// second one by the same person, and returns every decision on it, in
// the order Release reads them.
func (s *Store) addApproval(ctx context.Context, tx bun.Tx, row releaseRow, a core.Approval) ([]core.Approval, error) {
	approvals, err := s.approvals(ctx, tx, core.ReleaseID(row.ID))
	if err != nil {
		return nil, err
	}
	for _, prior := range approvals {
		if prior.Approver == a.Approver {
			return nil, core.ErrDuplicate
		}
	}
	ar := approvalRow{ReleaseID: row.ID, Approver: a.Approver, Decision: string(a.Decision), Comment: a.Comment,
		Origin: string(a.Origin), At: ms(a.At)}
	if _, err := tx.NewInsert().Model(&ar).Exec(ctx); err != nil {
		return nil, fmt.Errorf("recording approval: %w", err)
	}
	approvals = append(approvals, ar.approval())
	sort.SliceStable(approvals, func(i, j int) bool {
		x, y := approvals[i], approvals[j]
		return ms(x.At) < ms(y.At) || ms(x.At) == ms(y.At) && x.Approver < y.Approver
	})
	return approvals, nil
}

// decisionAudit is the audit record of decision a and, when it settled
// the release (row's status is no longer from), of the transition.
func decisionAudit(a core.Approval, row releaseRow, from string) []core.AuditEvent {
	kind := core.AuditApprove
	if a.Decision == core.DecisionReject {
		kind = core.AuditReject
	}
	evs := []core.AuditEvent{{At: a.At, Actor: a.Approver, OSUser: a.OSUser, Kind: kind, App: row.App,
		ReleaseID: a.ReleaseID, Origin: a.Origin, Detail: a.Comment}}
	if row.Status != from {
		evs = append(evs, transitionAudit(row, ms(a.At), from+" → "+row.Status))
	}
	return evs
}

// settle moves a pending release to rejected or approved once its
// decisions say so, and returns the row as it now stands (its audit
// record is the caller's).
func (s *Store) settle(ctx context.Context, tx bun.Tx, row releaseRow, a core.Approval, approvals []core.Approval, needed int) (releaseRow, error) {
	at := ms(a.At)
	row.UpdatedAt = at
	to := ""
	if a.Decision == core.DecisionReject {
		to = string(core.StatusRejected)
	} else {
		n := 0
		for _, d := range approvals {
			if d.Decision == core.DecisionApprove {
				n++
			}
		}
		if n >= needed {
			to = string(core.StatusApproved)
		}
	}
	if to == "" {
		_, err := tx.NewUpdate().Table("releases").Set("updated_at = ?", at).Where("id = ?", row.ID).Exec(ctx)
		return row, err
	}
	q := tx.NewUpdate().Table("releases").Set("status = ?", to).Set("decided_at = ?", at).
		Set("updated_at = ?", at).Where("id = ?", row.ID)
	if to == string(core.StatusRejected) {
		q = q.Set("finished_at = ?", at)
		row.FinishedAt = at
	}
	if _, err := q.Exec(ctx); err != nil {
		return row, err
	}
	row.Status, row.DecidedAt = to, at
	return row, nil
}

// Finish implements core.ReleaseStore.
func (s *Store) Finish(ctx context.Context, id core.ReleaseID, from []core.Status, o core.Outcome) (core.Release, error) {
	var out core.Release
	err := s.w.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row, err := s.lockRelease(ctx, tx, id)
		if err != nil {
			return err
		}
		if !core.Status(row.Status).In(from...) {
			return core.ErrStale
		}
		if o.Worker != "" {
			if err := s.holdsRun(ctx, tx, row, o.Worker); err != nil {
				return err
			}
		}
		if err := s.finishRow(ctx, tx, row, o); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*lockRow)(nil)).Where("app = ?", row.App).Where("slot = ?", slotRun).
			Where("release_id = ?", row.ID).Exec(ctx); err != nil {
			return fmt.Errorf("releasing run lock of %s: %w", row.App, err)
		}
		out, err = s.one(ctx, tx, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("id = ?", row.ID) })
		return err
	})
	if errors.Is(err, core.ErrStale) {
		s.reread(ctx, id, &out)
	}
	return out, err
}

func (s *Store) holdsRun(ctx context.Context, tx bun.Tx, row releaseRow, worker string) error {
	n, err := tx.NewSelect().Model((*lockRow)(nil)).Where("app = ?", row.App).Where("slot = ?", slotRun).
		Where("release_id = ?", row.ID).Where("holder = ?", worker).Count(ctx)
	if err != nil {
		return fmt.Errorf("reading run lock of %s: %w", row.App, err)
	}
	if n == 0 {
		return core.ErrStale
	}
	return nil
}

func (s *Store) finishRow(ctx context.Context, tx bun.Tx, row releaseRow, o core.Outcome) error {
	at := ms(o.At)
	q := tx.NewUpdate().Table("releases").Where("id = ?", row.ID).Set("status = ?", string(o.Status)).
		Set("finished_at = ?", at).Set("updated_at = ?", at).Set("error = ?", o.Error)
	if o.Output != "" {
		q = q.Set("output = ?", o.Output)
	}
	if row.DecidedAt == 0 {
		q = q.Set("decided_at = ?", at)
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("finishing %d: %w", row.ID, err)
	}
	detail := row.Status + " → " + string(o.Status)
	if o.Error != "" {
		detail += ": " + o.Error
	}
	if err := appendAudit(ctx, tx, transitionAudit(row, at, detail)); err != nil {
		return err
	}
	if o.Status != core.StatusSucceeded {
		return nil
	}
	return s.becomeLive(ctx, tx, row, o)
}

// becomeLive makes a succeeded release what is live; for a rollback it
// marks the releases it moved away from and sets the freeze. The release
// it restores is never marked, even when the store believed it live
// already (a deploy that landed unrecorded had moved the target away).
func (s *Store) becomeLive(ctx context.Context, tx bun.Tx, row releaseRow, o core.Outcome) error {
	var prev int64
	if err := tx.NewSelect().Table("apps").Column("live_release_id").Where("name = ?", row.App).Scan(ctx, &prev); err != nil {
		return fmt.Errorf("reading what was live for %s: %w", row.App, err)
	}
	if err := s.setLive(ctx, tx, row.App, row.ID, ms(o.At)); err != nil {
		return err
	}
	if row.Kind == string(core.KindRollback) {
		_, err := tx.NewUpdate().Table("releases").Set("rolled_back = ?", true).Set("rolled_back_by = ?", row.ID).
			Where("app = ?", row.App).Where("status = ?", string(core.StatusSucceeded)).Where("rolled_back = ?", false).
			Where("id <> ?", row.ID).Where("version <> ?", row.RollbackOf).
			WhereGroup(" AND ", func(q *bun.UpdateQuery) *bun.UpdateQuery {
				return q.Where("version > ? AND version < ?", row.RollbackOf, row.Version).WhereOr("id = ?", prev)
			}).Exec(ctx)
		if err != nil {
			return fmt.Errorf("marking releases rolled back by %d: %w", row.ID, err)
		}
	}
	if o.Freeze == nil {
		return nil
	}
	fr := toLockRow(*o.Freeze)
	if _, err := tx.NewInsert().Model(&fr).On("CONFLICT (app, slot) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("freezing %s after rollback: %w", row.App, err)
	}
	return nil
}
