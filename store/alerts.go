package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/dingops/dingops/core"
)

var _ core.AlertStore = (*Store)(nil)

type alertRow struct {
	bun.BaseModel `bun:"table:alerts"`

	ID           int64  `bun:"id,pk,autoincrement"`
	Source       string `bun:"source"`
	AlertID      string `bun:"alert_id"`
	StartsAt     int64  `bun:"starts_at"`
	App          string `bun:"app"`
	Title        string `bun:"title"`
	Severity     string `bun:"severity"`
	URL          string `bun:"url"`
	Status       string `bun:"status"`
	EndsAt       int64  `bun:"ends_at"`
	ReceivedAt   int64  `bun:"received_at"`
	ResolvedAt   int64  `bun:"resolved_at"`
	Outcome      string `bun:"outcome"`
	SuggestionID int64  `bun:"suggestion_id"`
	ReleaseID    int64  `bun:"release_id"`
}

func toAlertRow(a core.Alert) alertRow {
	r := alertRow{Source: a.Source, AlertID: a.ID, StartsAt: ms(a.StartsAt), App: a.App, Title: a.Title,
		Severity: a.Severity, URL: a.URL, Status: string(a.Status), EndsAt: ms(a.EndsAt), ReceivedAt: ms(a.ReceivedAt)}
	if a.Status == core.AlertResolved {
		r.ResolvedAt = r.ReceivedAt
	}
	return r
}

func (r alertRow) record() core.AlertRecord {
	return core.AlertRecord{Seq: r.ID, Outcome: core.AlertOutcome(r.Outcome), Suggestion: r.SuggestionID,
		ReleaseID: core.ReleaseID(r.ReleaseID), ResolvedAt: fromMS(r.ResolvedAt),
		Alert: core.Alert{Source: r.Source, ID: r.AlertID, App: r.App, Title: r.Title, Severity: r.Severity,
			Status: core.AlertStatus(r.Status), URL: r.URL, StartsAt: fromMS(r.StartsAt), EndsAt: fromMS(r.EndsAt),
			ReceivedAt: fromMS(r.ReceivedAt)}}
}

// RecordAlert implements core.AlertStore. The unique key decides between
// replicas: an insert that conflicts is a resend, and a resolve moves the
// stored row from firing once.
func (s *Store) RecordAlert(ctx context.Context, a core.Alert) (core.AlertRecord, error) {
	row := toAlertRow(a)
	err := s.w.QueryRowContext(ctx, `INSERT INTO alerts (source, alert_id, starts_at, app, title, severity, url, status,
		ends_at, received_at, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		row.Source, row.AlertID, row.StartsAt, row.App, row.Title, row.Severity, row.URL, row.Status, row.EndsAt,
		row.ReceivedAt, row.ResolvedAt).Scan(&row.ID)
	if err == nil {
		return row.record(), nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return core.AlertRecord{}, fmt.Errorf("recording alert %s: %w", a.Key(), err)
	}
	if a.Status == core.AlertResolved {
		res, err := s.w.NewUpdate().Model((*alertRow)(nil)).
			Set("status = ?, resolved_at = ?, ends_at = ?", row.Status, row.ResolvedAt, row.EndsAt).
			Where("source = ? AND alert_id = ? AND starts_at = ? AND status = ?", row.Source, row.AlertID, row.StartsAt,
				string(core.AlertFiring)).Exec(ctx)
		if err != nil {
			return core.AlertRecord{}, fmt.Errorf("resolving alert %s: %w", a.Key(), err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return s.alertByKey(ctx, row)
		}
	}
	stored, err := s.alertByKey(ctx, row)
	if err != nil {
		return stored, err
	}
	return stored, core.ErrDuplicate
}

func (s *Store) alertByKey(ctx context.Context, k alertRow) (core.AlertRecord, error) {
	var row alertRow
	err := s.w.NewSelect().Model(&row).Where("source = ? AND alert_id = ? AND starts_at = ?", k.Source, k.AlertID, k.StartsAt).
		Scan(ctx)
	if err != nil {
		return core.AlertRecord{}, fmt.Errorf("reading alert %s/%s: %w", k.Source, k.AlertID, err)
	}
	return row.record(), nil
}

// SetAlertOutcome implements core.AlertStore. A firing alert that joins a
// suggestion reopens it if it had resolved, in the same transaction: a
// suggestion is resolved only while none of its alerts fires.
func (s *Store) SetAlertOutcome(ctx context.Context, seq int64, o core.AlertOutcome, suggestion int64, release core.ReleaseID) error {
	return s.w.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var status string
		err := tx.QueryRowContext(ctx, `UPDATE alerts SET outcome = ?, suggestion_id = ?, release_id = ? WHERE id = ? RETURNING status`,
			string(o), suggestion, int64(release), seq).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return core.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("recording outcome of alert %d: %w", seq, err)
		}
		if suggestion == 0 || status != string(core.AlertFiring) {
			return nil
		}
		_, err = tx.ExecContext(ctx, "UPDATE alert_suggestions SET resolved_at = 0 WHERE id = ? AND request_id = 0", suggestion)
		return err
	})
}

// Alerts implements core.AlertStore.
func (s *Store) Alerts(ctx context.Context, f core.AlertFilter) ([]core.AlertRecord, error) {
	var rows []alertRow
	q := s.db.NewSelect().Model(&rows).Order("id DESC")
	if f.App != "" {
		q = q.Where("app = ?", f.App)
	}
	if f.Firing {
		q = q.Where("status = ?", string(core.AlertFiring))
	}
	if f.ReleaseID != 0 {
		q = q.Where("release_id = ?", int64(f.ReleaseID))
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("reading alerts: %w", err)
	}
	out := make([]core.AlertRecord, len(rows))
	for i, r := range rows {
		out[i] = r.record()
	}
	return out, nil
}
