package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/dingops/dingops/core"
)

// Append implements core.AuditLog. The application only ever inserts.
// It is one hot statement (writes_hot.go).
func (s *Store) Append(ctx context.Context, ev core.AuditEvent) error {
	if _, err := s.hotExec(ctx, auditInsert(1), auditArgs([]core.AuditEvent{ev})...); err != nil {
		return fmt.Errorf("appending audit event: %w", err)
	}
	return nil
}

// appendAudit inserts audit events, in order, in one statement; state
// changes call it inside their own transaction, so a change and its audit
// records commit together.
func appendAudit(ctx context.Context, db bun.IDB, evs ...core.AuditEvent) error {
	rows := make([]auditRow, len(evs))
	for i, ev := range evs {
		rows[i] = auditRow{At: ms(ev.At), Actor: ev.Actor, OSUser: ev.OSUser, Kind: string(ev.Kind), App: ev.App,
			ReleaseID: int64(ev.ReleaseID), Origin: string(ev.Origin), Detail: ev.Detail}
	}
	if _, err := db.NewInsert().Model(&rows).ExcludeColumn("id").Exec(ctx); err != nil {
		return fmt.Errorf("appending audit event: %w", err)
	}
	return nil
}

// transitionAudit is the audit record of a status change made by dingops.
func transitionAudit(row releaseRow, at int64, detail string) core.AuditEvent {
	return core.AuditEvent{At: fromMS(at), Actor: core.SystemActor, Kind: core.AuditTransition, App: row.App,
		ReleaseID: core.ReleaseID(row.ID), Detail: detail}
}

// Audit implements core.AuditLog, oldest first.
func (s *Store) Audit(ctx context.Context, f core.AuditFilter) ([]core.AuditEvent, error) {
	var rows []auditRow
	q := s.db.NewSelect().Model(&rows).Order("at ASC", "id ASC")
	if f.App != "" {
		q = q.Where("app = ?", f.App)
	}
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", string(f.Kind))
	}
	if f.ReleaseID != 0 {
		q = q.Where("release_id = ?", int64(f.ReleaseID))
	}
	if !f.Since.IsZero() {
		q = q.Where("at >= ?", ms(f.Since))
	}
	if !f.Until.IsZero() {
		q = q.Where("at < ?", ms(f.Until))
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("reading audit log: %w", err)
	}
	out := make([]core.AuditEvent, len(rows))
	for i, r := range rows {
		out[i] = core.AuditEvent{ID: r.ID, At: fromMS(r.At), Actor: r.Actor, OSUser: r.OSUser, Kind: core.AuditKind(r.Kind),
			App: r.App, ReleaseID: core.ReleaseID(r.ReleaseID), Origin: core.Origin(r.Origin), Detail: r.Detail}
	}
	return out, nil
}

// Beat implements core.Replicas.
func (s *Store) Beat(ctx context.Context, worker string, now time.Time) error {
	_, err := s.w.ExecContext(ctx, "INSERT INTO replicas (id, beat_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET beat_at = EXCLUDED.beat_at",
		worker, ms(now))
	if err != nil {
		return fmt.Errorf("recording heartbeat of %s: %w", worker, err)
	}
	return nil
}

// Leave implements core.Replicas; leaving twice, or unknown, is no error.
func (s *Store) Leave(ctx context.Context, worker string) error {
	if _, err := s.w.ExecContext(ctx, "DELETE FROM replicas WHERE id = ?", worker); err != nil {
		return fmt.Errorf("clearing heartbeat of %s: %w", worker, err)
	}
	return nil
}

// Alive implements core.Replicas.
func (s *Store) Alive(ctx context.Context, since time.Time) ([]string, error) {
	var ids []string
	if err := s.db.NewSelect().Table("replicas").Column("id").Where("beat_at >= ?", ms(since)).Order("id ASC").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("reading replicas: %w", err)
	}
	return ids, nil
}
