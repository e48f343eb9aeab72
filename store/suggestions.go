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

type suggestionRow struct {
	bun.BaseModel `bun:"table:alert_suggestions"`

	ID         int64  `bun:"id,pk,autoincrement"`
	App        string `bun:"app"`
	ReleaseID  int64  `bun:"release_id"`
	Version    int    `bun:"version"`
	Target     int    `bun:"target"`
	Policy     string `bun:"policy"`
	RequestID  int64  `bun:"request_id"`
	FiledBy    string `bun:"filed_by"`
	ResolvedAt int64  `bun:"resolved_at"`
	CreatedAt  int64  `bun:"created_at"`
}

func (r suggestionRow) suggestion() core.Suggestion {
	return core.Suggestion{ID: r.ID, App: r.App, ReleaseID: core.ReleaseID(r.ReleaseID), Version: r.Version,
		Target: r.Target, Policy: core.AlertPolicy(r.Policy), RequestID: core.ReleaseID(r.RequestID), FiledBy: r.FiledBy,
		Resolved: fromMS(r.ResolvedAt), CreatedAt: fromMS(r.CreatedAt)}
}

// OpenSuggestion implements core.AlertStore: the unique (app, release_id)
// makes one suggestion however many replicas try at once.
func (s *Store) OpenSuggestion(ctx context.Context, sg core.Suggestion) (core.Suggestion, bool, error) {
	var id int64
	err := s.w.QueryRowContext(ctx, `INSERT INTO alert_suggestions (app, release_id, version, target, policy, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`, sg.App, int64(sg.ReleaseID), sg.Version, sg.Target,
		string(sg.Policy), ms(sg.CreatedAt)).Scan(&id)
	created := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return core.Suggestion{}, false, fmt.Errorf("recording suggestion for %s %s: %w", sg.App, sg.ReleaseID, err)
	}
	got, err := s.suggestionWhere(ctx, s.w, "app = ? AND release_id = ?", sg.App, int64(sg.ReleaseID))
	return got, created, err
}

// SuggestionOf implements core.AlertStore.
func (s *Store) SuggestionOf(ctx context.Context, app string, release core.ReleaseID) (core.Suggestion, error) {
	return s.suggestionWhere(ctx, s.db, "app = ? AND release_id = ?", app, int64(release))
}

// Suggestion implements core.AlertStore.
func (s *Store) Suggestion(ctx context.Context, id int64) (core.Suggestion, error) {
	return s.suggestionWhere(ctx, s.db, "id = ?", id)
}

func (s *Store) suggestionWhere(ctx context.Context, db bun.IDB, where string, args ...any) (core.Suggestion, error) {
	var row suggestionRow
	err := db.NewSelect().Model(&row).Where(where, args...).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Suggestion{}, core.ErrNotFound
	}
	if err != nil {
		return core.Suggestion{}, fmt.Errorf("reading suggestion: %w", err)
	}
	out := row.suggestion()
	var alerts []alertRow
	if err := db.NewSelect().Model(&alerts).Where("suggestion_id = ?", row.ID).Order("id ASC").Scan(ctx); err != nil {
		return out, fmt.Errorf("reading alerts of suggestion %d: %w", row.ID, err)
	}
	for _, a := range alerts {
		out.Alerts = append(out.Alerts, a.record())
	}
	return out, nil
}

// FileSuggestion implements core.AlertStore.
func (s *Store) FileSuggestion(ctx context.Context, id int64, request core.ReleaseID, by string) (core.Suggestion, error) {
	res, err := s.w.ExecContext(ctx, "UPDATE alert_suggestions SET request_id = ?, filed_by = ? WHERE id = ? AND request_id = 0",
		int64(request), by, id)
	if err != nil {
		return core.Suggestion{}, fmt.Errorf("filing suggestion %d: %w", id, err)
	}
	got, rerr := s.suggestionWhere(ctx, s.w, "id = ?", id)
	if rerr != nil {
		return got, rerr
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return got, core.ErrStale
	}
	return got, nil
}

// ResolveSuggestion implements core.AlertStore.
func (s *Store) ResolveSuggestion(ctx context.Context, id int64, at time.Time) (core.Suggestion, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE alert_suggestions SET resolved_at = ?
		WHERE id = ? AND request_id = 0 AND resolved_at = 0
		AND NOT EXISTS (SELECT 1 FROM alerts WHERE suggestion_id = ? AND status = ?)`,
		ms(at), id, id, string(core.AlertFiring))
	if err != nil {
		return core.Suggestion{}, fmt.Errorf("resolving suggestion %d: %w", id, err)
	}
	got, rerr := s.suggestionWhere(ctx, s.w, "id = ?", id)
	if rerr != nil {
		return got, rerr
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return got, core.ErrStale
	}
	return got, nil
}

// SuggestionCard is one suggestion card (or markdown post) in a chat.
type SuggestionCard struct {
	OutTrackID   string
	SuggestionID int64
	ChatID       string
	Language     string
	Markdown     bool
	CreatedAt    time.Time
}

type suggestionCardRow struct {
	bun.BaseModel `bun:"table:alert_cards"`

	OutTrackID   string `bun:"out_track_id,pk"`
	SuggestionID int64  `bun:"suggestion_id"`
	ChatID       string `bun:"chat_id"`
	Language     string `bun:"language"`
	Markdown     bool   `bun:"markdown"`
	CreatedAt    int64  `bun:"created_at"`
}

func (r suggestionCardRow) card() SuggestionCard {
	return SuggestionCard{OutTrackID: r.OutTrackID, SuggestionID: r.SuggestionID, ChatID: r.ChatID, Language: r.Language,
		Markdown: r.Markdown, CreatedAt: fromMS(r.CreatedAt)}
}

// RecordSuggestionCard stores a suggestion card; the same card again
// changes nothing and reports false.
func (s *Store) RecordSuggestionCard(ctx context.Context, c SuggestionCard) (bool, error) {
	res, err := s.w.ExecContext(ctx, `INSERT INTO alert_cards (out_track_id, suggestion_id, chat_id, language, markdown, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, c.OutTrackID, c.SuggestionID, c.ChatID, c.Language, c.Markdown,
		ms(c.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("recording suggestion card %s: %w", c.OutTrackID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SuggestionCards lists a suggestion's cards, oldest first.
func (s *Store) SuggestionCards(ctx context.Context, id int64) ([]SuggestionCard, error) {
	var rows []suggestionCardRow
	if err := s.db.NewSelect().Model(&rows).Where("suggestion_id = ?", id).Order("created_at ASC", "out_track_id ASC").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("reading cards of suggestion %d: %w", id, err)
	}
	out := make([]SuggestionCard, len(rows))
	for i, r := range rows {
		out[i] = r.card()
	}
	return out, nil
}

// SuggestionCardByTrackID reads one suggestion card (core.ErrNotFound).
func (s *Store) SuggestionCardByTrackID(ctx context.Context, outTrackID string) (SuggestionCard, error) {
	var row suggestionCardRow
	err := s.db.NewSelect().Model(&row).Where("out_track_id = ?", outTrackID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return SuggestionCard{}, core.ErrNotFound
	}
	if err != nil {
		return SuggestionCard{}, fmt.Errorf("reading suggestion card %s: %w", outTrackID, err)
	}
	return row.card(), nil
}
