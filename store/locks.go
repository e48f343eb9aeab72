package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/dingops/dingops/core"
)

// Claim implements core.LockStore.
func (s *Store) Claim(ctx context.Context, id core.ReleaseID, worker string, now time.Time, lease time.Duration) (core.Claimed, error) {
	var out core.Release
	var held core.Lock
	var fresh bool
	err := s.w.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row, err := s.lockRelease(ctx, tx, id)
		if err != nil {
			return err
		}
		fresh = row.Status == string(core.StatusApproved)
		if !fresh && !core.Status(row.Status).In(core.InFlightStatuses...) {
			return core.ErrStale
		}
		cur, found, err := s.runLock(ctx, tx, row.App)
		if err != nil {
			return err
		}
		if found && !cur.lock().Expired(now) {
			held = cur.lock()
			if cur.ReleaseID != row.ID {
				return core.ErrLocked
			}
			if cur.Holder != worker {
				return core.ErrStale
			}
		}
		if !fresh && found && cur.ReleaseID == row.ID && cur.Holder == worker && !cur.lock().Expired(now) {
			return core.ErrStale // this worker already runs it
		}
		held = core.Lock{App: row.App, Kind: core.LockRun, Holder: worker, ReleaseID: id, Since: now, LeaseUntil: now.Add(lease)}
		lr := toLockRow(held)
		if _, err := tx.NewInsert().Model(&lr).On("CONFLICT (app, slot) DO UPDATE").
			Set("kind = EXCLUDED.kind, holder = EXCLUDED.holder, release_id = EXCLUDED.release_id").
			Set("reason = EXCLUDED.reason, since = EXCLUDED.since, lease_until = EXCLUDED.lease_until").Exec(ctx); err != nil {
			return fmt.Errorf("taking run lock of %s: %w", row.App, err)
		}
		if row, err = s.claimed(ctx, tx, row, worker, now, fresh); err != nil {
			return err
		}
		out = row.release()
		out.Approvals, err = s.approvals(ctx, tx, id)
		return err
	})
	return core.Claimed{Release: out, Lock: held, Resumed: !fresh}, err
}

func (s *Store) runLock(ctx context.Context, tx bun.Tx, app string) (lockRow, bool, error) {
	var lr lockRow
	err := s.forUpdate(tx.NewSelect().Model(&lr).Where("app = ?", app).Where("slot = ?", slotRun)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return lr, false, nil
	}
	if err != nil {
		return lr, false, fmt.Errorf("reading run lock of %s: %w", app, err)
	}
	return lr, true, nil
}

// Renew implements core.LockStore.
func (s *Store) Renew(ctx context.Context, app, worker string, now time.Time, lease time.Duration) error {
	res, err := s.w.NewUpdate().Table("locks").Set("lease_until = ?", ms(now.Add(lease))).
		Where("app = ?", app).Where("slot = ?", slotRun).Where("holder = ?", worker).Exec(ctx)
	if err != nil {
		return fmt.Errorf("renewing run lock of %s: %w", app, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrStale
	}
	return nil
}

// Freeze implements core.LockStore.
func (s *Store) Freeze(ctx context.Context, l core.Lock) (core.Lock, error) {
	lr := toLockRow(l)
	res, err := s.w.NewInsert().Model(&lr).On("CONFLICT (app, slot) DO NOTHING").Exec(ctx)
	if err != nil {
		return core.Lock{}, fmt.Errorf("freezing %s: %w", l.App, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return l, nil
	}
	var cur lockRow
	if err := s.db.NewSelect().Model(&cur).Where("app = ?", l.App).Where("slot = ?", slotFreeze).Scan(ctx); err != nil {
		return core.Lock{}, fmt.Errorf("reading freeze of %s: %w", l.App, err)
	}
	return cur.lock(), core.ErrLocked
}

// Unfreeze implements core.LockStore.
func (s *Store) Unfreeze(ctx context.Context, app string) (core.Lock, error) {
	var rows []lockRow
	_, err := s.w.NewDelete().Model(&rows).Where("app = ?", app).Where("slot = ?", slotFreeze).Returning("*").Exec(ctx)
	if err != nil {
		return core.Lock{}, fmt.Errorf("unfreezing %s: %w", app, err)
	}
	if len(rows) == 0 {
		return core.Lock{}, core.ErrNotFound
	}
	return rows[0].lock(), nil
}

// Locks implements core.LockStore.
func (s *Store) Locks(ctx context.Context, app string) ([]core.Lock, error) {
	var rows []lockRow
	var err error
	if app != "" { // every command's gates: a hot statement (reads_hot.go)
		rows, err = s.hotLocks(ctx, app)
	} else {
		err = s.db.NewSelect().Model(&rows).Order("app ASC", "slot ASC").Scan(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("reading locks: %w", err)
	}
	out := make([]core.Lock, len(rows))
	for i, r := range rows {
		out[i] = r.lock()
	}
	return out, nil
}

// claimed moves a freshly claimed release through queued to its first
// working status, or records that a worker resumed it, in the claim's
// transaction, and returns the row as it now stands.
func (s *Store) claimed(ctx context.Context, tx bun.Tx, row releaseRow, worker string, now time.Time, fresh bool) (releaseRow, error) {
	at := ms(now)
	if !fresh {
		ev := transitionAudit(row, at, "resumed at "+row.Status+" by "+worker)
		ev.Kind = core.AuditStep
		return row, appendAudit(ctx, tx, ev)
	}
	to := core.StatusDeploying
	if row.Kind == string(core.KindRelease) {
		to = core.StatusBuilding
	}
	if _, err := tx.NewUpdate().Table("releases").Set("status = ?", string(to)).Set("started_at = ?", at).
		Set("updated_at = ?", at).Where("id = ?", row.ID).Exec(ctx); err != nil {
		return row, fmt.Errorf("queueing %d: %w", row.ID, err)
	}
	row.Status, row.StartedAt, row.UpdatedAt = string(to), at, at
	detail := "approved → queued → " + string(to) + " by " + worker
	return row, appendAudit(ctx, tx, transitionAudit(row, at, detail))
}
