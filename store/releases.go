package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/dingops/dingops/core"
)

var activeStatuses = statusStrings(core.ActiveStatuses)

// CreateRelease implements core.ReleaseStore.
func (s *Store) CreateRelease(ctx context.Context, r core.Release) (core.Release, error) {
	var out core.Release
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if existing, err := s.conflicting(ctx, tx, r); err != nil || existing != nil {
			if existing != nil {
				out = *existing
			}
			return err
		}
		version, err := nextVersion(ctx, tx, r.App)
		if err != nil {
			return err
		}
		r.Version = version
		row := toReleaseRow(r)
		row.ID = 0
		if _, err := tx.NewInsert().Model(&row).ExcludeColumn("id").Returning("id").Exec(ctx); err != nil {
			return err
		}
		out = row.release()
		if r.Status == core.StatusSucceeded {
			return setLive(ctx, tx, r.App, row.ID, row.FinishedAt)
		}
		return nil
	})
	if err == nil || errors.Is(err, core.ErrDuplicate) || errors.Is(err, core.ErrActiveExists) {
		return out, err
	}
	// A unique index caught a race the pre-checks missed: report it the same way.
	switch uniqueViolation(err) {
	case "releases_origin":
		existing, _ := s.byOrigin(ctx, s.db, r.OriginMsgID)
		return existing, core.ErrDuplicate
	case "releases_one_active":
		existing, _ := s.Active(ctx, r.App)
		return existing, core.ErrActiveExists
	}
	return out, fmt.Errorf("creating release of %s: %w", r.App, err)
}

// conflicting finds the release that stops r from being created: the one
// made from the same message, or the app's unfinished one.
func (s *Store) conflicting(ctx context.Context, db bun.IDB, r core.Release) (*core.Release, error) {
	if r.OriginMsgID != "" {
		existing, err := s.byOrigin(ctx, db, r.OriginMsgID)
		if err == nil {
			return &existing, core.ErrDuplicate
		}
		if !errors.Is(err, core.ErrNotFound) {
			return nil, err
		}
	}
	if !r.Status.In(core.ActiveStatuses...) {
		return nil, nil
	}
	existing, err := s.active(ctx, db, r.App)
	if err == nil {
		return &existing, core.ErrActiveExists
	}
	if !errors.Is(err, core.ErrNotFound) {
		return nil, err
	}
	return nil, nil
}

func nextVersion(ctx context.Context, tx bun.Tx, app string) (int, error) {
	if _, err := tx.ExecContext(ctx, "INSERT INTO apps (name, next_version) VALUES (?, 1) ON CONFLICT (name) DO NOTHING", app); err != nil {
		return 0, fmt.Errorf("registering app %s: %w", app, err)
	}
	var next int
	err := tx.QueryRowContext(ctx, "UPDATE apps SET next_version = next_version + 1 WHERE name = ? RETURNING next_version", app).Scan(&next)
	if err != nil {
		return 0, fmt.Errorf("allocating version of %s: %w", app, err)
	}
	return next - 1, nil
}

func setLive(ctx context.Context, tx bun.Tx, app string, id, at int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE apps SET live_release_id = ?, live_since = ? WHERE name = ?", id, at, app)
	if err != nil {
		return fmt.Errorf("recording what is live for %s: %w", app, err)
	}
	return nil
}

func (s *Store) one(ctx context.Context, db bun.IDB, q func(*bun.SelectQuery) *bun.SelectQuery) (core.Release, error) {
	var row releaseRow
	err := q(db.NewSelect().Model(&row)).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Release{}, core.ErrNotFound
	}
	if err != nil {
		return core.Release{}, err
	}
	r := row.release()
	if r.Approvals, err = s.approvals(ctx, db, r.ID); err != nil {
		return r, err
	}
	return r, nil
}

func (s *Store) byOrigin(ctx context.Context, db bun.IDB, origin string) (core.Release, error) {
	return s.one(ctx, db, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("origin_msg_id = ?", origin) })
}

func (s *Store) active(ctx context.Context, db bun.IDB, app string) (core.Release, error) {
	return s.one(ctx, db, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("app = ?", app).Where("status IN (?)", bun.In(activeStatuses))
	})
}

func (s *Store) approvals(ctx context.Context, db bun.IDB, id core.ReleaseID) ([]core.Approval, error) {
	var rows []approvalRow
	if err := db.NewSelect().Model(&rows).Where("release_id = ?", int64(id)).Order("at ASC", "approver ASC").Scan(ctx); err != nil {
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
	return s.one(ctx, s.db, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("id = ?", int64(id)) })
}

// ReleaseByVersion implements core.ReleaseStore.
func (s *Store) ReleaseByVersion(ctx context.Context, app string, version int) (core.Release, error) {
	return s.one(ctx, s.db, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("app = ?", app).Where("version = ?", version)
	})
}

// Active implements core.ReleaseStore.
func (s *Store) Active(ctx context.Context, app string) (core.Release, error) {
	return s.active(ctx, s.db, app)
}

// Live implements core.ReleaseStore: one primary-key read of the app's
// state and one of the release, whatever the history's size.
func (s *Store) Live(ctx context.Context, app string) (core.Release, error) {
	var id int64
	err := s.db.NewSelect().Table("apps").Column("live_release_id").Where("name = ?", app).Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && id == 0) {
		return core.Release{}, core.ErrNotFound
	}
	if err != nil {
		return core.Release{}, fmt.Errorf("reading live release of %s: %w", app, err)
	}
	return s.Release(ctx, core.ReleaseID(id))
}

// History implements core.ReleaseStore, reading the (app, version) index
// backwards.
func (s *Store) History(ctx context.Context, app string, beforeVersion, limit int) ([]core.Release, error) {
	var rows []releaseRow
	q := s.db.NewSelect().Model(&rows).Where("app = ?", app).OrderExpr("version DESC").Limit(int64(limit))
	if beforeVersion > 0 {
		q = q.Where("version < ?", beforeVersion)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("reading history of %s: %w", app, err)
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
	if err := s.db.NewSelect().Model(&as).Where("release_id IN (?)", bun.In(ids)).Order("at ASC", "approver ASC").Scan(ctx); err != nil {
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
