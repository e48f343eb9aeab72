package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/uptrace/bun"

	"github.com/dingops/dingops/core"
)

var activeStatuses = statusStrings(core.ActiveStatuses)

// CreateRelease implements core.ReleaseStore.
func (s *Store) CreateRelease(ctx context.Context, r core.Release) (core.Release, error) {
	return s.CreateRequest(ctx, r, nil)
}

// CreateRequest implements core.RequestRecorder: r and the audit events
// made from the stored release commit in one transaction.
func (s *Store) CreateRequest(ctx context.Context, r core.Release, audit func(core.Release) []core.AuditEvent) (core.Release, error) {
	var out core.Release
	err := s.w.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		version, err := s.nextVersion(ctx, tx, r.App)
		if err != nil {
			return err
		}
		r.Version = version
		row := toReleaseRow(r)
		if err := s.txQueryRow(ctx, tx, qInsertRelease, []any{&row.ID}, releaseInsertArgs(&row)...); err != nil {
			return err
		}
		out = row.release()
		if r.Status == core.StatusSucceeded {
			if err := s.setLive(ctx, tx, r.App, row.ID, row.FinishedAt); err != nil {
				return err
			}
		}
		if audit == nil {
			return nil
		}
		if err := s.txAudit(ctx, tx, audit(out)); err != nil {
			return fmt.Errorf("appending audit event: %w", err)
		}
		return nil
	})
	s.warmHot(ctx)
	if err == nil {
		return out, nil
	}
	// The unique indexes decide: a repeated message, or an app that already
	// has an unfinished release. The message is checked first, so a repeat
	// of the request that made the active release reads as a repeat.
	if v := uniqueViolation(err); v == "releases_origin" || v == "releases_one_active" {
		if r.OriginMsgID != "" {
			if existing, rerr := s.byOrigin(ctx, s.db, r.OriginMsgID); rerr == nil {
				return existing, core.ErrDuplicate
			}
		}
		existing, _ := s.Active(ctx, r.App)
		return existing, core.ErrActiveExists
	}
	return out, fmt.Errorf("creating release of %s: %w", r.App, err)
}

func (s *Store) nextVersion(ctx context.Context, tx bun.Tx, app string) (int, error) {
	var next int
	if err := s.txQueryRow(ctx, tx, qNextVersion, []any{&next}, app); err != nil {
		return 0, fmt.Errorf("allocating version of %s: %w", app, err)
	}
	return next - 1, nil
}

func (s *Store) setLive(ctx context.Context, tx bun.Tx, app string, id, at int64) error {
	if _, err := s.txExec(ctx, tx, qSetLive, id, at, app); err != nil {
		return fmt.Errorf("recording what is live for %s: %w", app, err)
	}
	return nil
}

// one reads a single release with its approvals; bare skips them.
func (s *Store) one(ctx context.Context, db bun.IDB, q func(*bun.SelectQuery) *bun.SelectQuery) (core.Release, error) {
	r, err := s.bare(ctx, db, q)
	if err != nil {
		return r, err
	}
	if r.Approvals, err = s.approvals(ctx, db, r.ID); err != nil {
		return r, err
	}
	return r, nil
}

// bare reads a single release without its approvals, for reads that only
// need what it deployed (what is live, a rollback target, a refusal).
func (s *Store) bare(ctx context.Context, db bun.IDB, q func(*bun.SelectQuery) *bun.SelectQuery) (core.Release, error) {
	var row releaseRow
	err := q(db.NewSelect().Model(&row)).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Release{}, core.ErrNotFound
	}
	if err != nil {
		return core.Release{}, err
	}
	return row.release(), nil
}

func (s *Store) byOrigin(ctx context.Context, db bun.IDB, origin string) (core.Release, error) {
	return s.bare(ctx, db, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("origin_msg_id = ?", origin) })
}

func (s *Store) active(ctx context.Context, db bun.IDB, app string) (core.Release, error) {
	return s.bare(ctx, db, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("app = ?", app).Where("status IN (?)", bun.In(activeStatuses))
	})
}

func (s *Store) approvals(ctx context.Context, db bun.IDB, id core.ReleaseID) ([]core.Approval, error) {
	var rows []approvalRow
	var err error
	if db == bun.IDB(s.db) {
		rows, err = s.hotApprovals(ctx, int64(id))
	} else {
		err = db.NewSelect().Model(&rows).Where("release_id = ?", int64(id)).Order("at ASC", "approver ASC").Scan(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("reading approvals of %s: %w", id, err)
	}
	out := make([]core.Approval, len(rows))
	for i, a := range rows {
		out[i] = a.approval()
	}
	return out, nil
}

// Release implements core.ReleaseStore.
func (s *Store) Release(ctx context.Context, id core.ReleaseID) (core.Release, error) {
	r, err := s.hotRelease(ctx, qReleaseByID, int64(id))
	if err != nil {
		return r, err
	}
	r.Approvals, err = s.approvals(ctx, s.db, r.ID)
	return r, err
}

// ReleaseByVersion implements core.ReleaseStore.
func (s *Store) ReleaseByVersion(ctx context.Context, app string, version int) (core.Release, error) {
	return s.hotRelease(ctx, qReleaseByVersion, app, version)
}

// Active implements core.ReleaseStore.
func (s *Store) Active(ctx context.Context, app string) (core.Release, error) {
	return s.hotRelease(ctx, qActive, activeArgs(app)...)
}

// Live implements core.ReleaseStore: one statement, a primary-key read of
// the app's state joined to one of the release, whatever the history's
// size.
func (s *Store) Live(ctx context.Context, app string) (core.Release, error) {
	r, err := s.hotRelease(ctx, qLive, app)
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return r, fmt.Errorf("reading live release of %s: %w", app, err)
	}
	return r, err
}

// History implements core.ReleaseStore, reading the (app, version) index
// backwards.
func (s *Store) History(ctx context.Context, app string, beforeVersion, limit int) ([]core.Release, error) {
	if beforeVersion <= 0 {
		beforeVersion = math.MaxInt32
	}
	rows, err := s.hotReleases(ctx, qHistory, app, beforeVersion, limit)
	if err != nil {
		return nil, fmt.Errorf("reading history of %s: %w", app, err)
	}
	return s.withApprovals(ctx, rows)
}

// findHot is Find of one app's releases by status, which every request
// runs (the unknown outcomes to settle): a hot statement per number of
// statuses.
func (s *Store) findHot(ctx context.Context, f core.ReleaseFilter) ([]core.Release, error) {
	sts := statusStrings(f.Statuses)
	args := make([]any, 0, 2+len(sts))
	args = append(args, f.App)
	for _, st := range sts {
		args = append(args, st)
	}
	limit := int64(math.MaxInt64)
	if f.Limit > 0 {
		limit = int64(f.Limit)
	}
	args = append(args, limit)
	q := "SELECT " + releaseColumns + " FROM releases r WHERE r.app = ? AND r.status IN (" + placeholders(len(sts)) +
		") ORDER BY r.id ASC LIMIT ?"
	rows, err := s.hotReleases(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("finding releases: %w", err)
	}
	return s.withApprovals(ctx, rows)
}

func (s *Store) withApprovals(ctx context.Context, rows []releaseRow) ([]core.Release, error) {
	out := make([]core.Release, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rows))
	index := make(map[int64]int, len(rows))
	for i, r := range rows {
		out[i] = r.release()
		ids[i] = r.ID
		index[r.ID] = i
	}
	var as []approvalRow
	var err error
	if len(ids) <= 16 { // a page of history: prepared once per length
		as, err = s.hotApprovals(ctx, ids...)
	} else {
		err = s.db.NewSelect().Model(&as).Where("release_id IN (?)", bun.In(ids)).Order("at ASC", "approver ASC").Scan(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("reading approvals: %w", err)
	}
	for _, a := range as {
		i := index[a.ReleaseID]
		out[i].Approvals = append(out[i].Approvals, a.approval())
	}
	return out, nil
}

// Find implements core.ReleaseStore.
func (s *Store) Find(ctx context.Context, f core.ReleaseFilter) ([]core.Release, error) {
	if f.App != "" && f.ExpiresBefore.IsZero() && len(f.Statuses) > 0 {
		return s.findHot(ctx, f)
	}
	var rows []releaseRow
	q := s.db.NewSelect().Model(&rows).Where("status IN (?)", bun.In(statusStrings(f.Statuses))).OrderExpr("id ASC")
	if f.App != "" {
		q = q.Where("app = ?", f.App)
	}
	if !f.ExpiresBefore.IsZero() {
		q = q.Where("expires_at > 0").Where("expires_at <= ?", ms(f.ExpiresBefore))
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("finding releases: %w", err)
	}
	return s.withApprovals(ctx, rows)
}
