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

// CardRecord is one card (or, without a card template, one markdown post)
// of a release in a chat.
type CardRecord struct {
	OutTrackID string // the card's id at DingTalk: unique
	ReleaseID  core.ReleaseID
	ChatID     string
	Language   string // the language it is rendered in
	Markdown   bool   // posted as a markdown message, not an interactive card
	CreatedAt  time.Time
}

type cardRow struct {
	bun.BaseModel `bun:"table:release_cards"`

	OutTrackID string `bun:"out_track_id,pk"`
	ReleaseID  int64  `bun:"release_id"`
	ChatID     string `bun:"chat_id"`
	Language   string `bun:"language"`
	Markdown   bool   `bun:"markdown"`
	CreatedAt  int64  `bun:"created_at"`
}

func (r cardRow) record() CardRecord {
	return CardRecord{OutTrackID: r.OutTrackID, ReleaseID: core.ReleaseID(r.ReleaseID), ChatID: r.ChatID,
		Language: r.Language, Markdown: r.Markdown, CreatedAt: fromMS(r.CreatedAt)}
}

// Cards is the record of delivered cards, so any replica can update the
// cards of a release, whoever created them.
type Cards struct{ s *Store }

// Cards returns the card record.
func (s *Store) Cards() *Cards { return &Cards{s: s} }

// Record stores a card; recording the same card (or another card of the
// same release and chat) again changes nothing, so a message handled twice
// after a crash keeps its first card.
func (c *Cards) Record(ctx context.Context, r CardRecord) error {
	if r.OutTrackID == "" || r.ReleaseID == 0 {
		return errors.New("recording card: out track id and release id are required")
	}
	_, err := c.s.hotExec(ctx, `INSERT INTO release_cards (out_track_id, release_id, chat_id, language, markdown, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		r.OutTrackID, int64(r.ReleaseID), r.ChatID, r.Language, r.Markdown, ms(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("recording card %s of %s: %w", r.OutTrackID, r.ReleaseID, err)
	}
	return nil
}

// OfRelease lists a release's cards, oldest first.
func (c *Cards) OfRelease(ctx context.Context, id core.ReleaseID) ([]CardRecord, error) {
	var rows []cardRow
	err := c.s.db.NewSelect().Model(&rows).Where("release_id = ?", int64(id)).Order("created_at ASC", "out_track_id ASC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading cards of %s: %w", id, err)
	}
	out := make([]CardRecord, len(rows))
	for i, r := range rows {
		out[i] = r.record()
	}
	return out, nil
}

// ByTrackID reads one card; core.ErrNotFound if it is not recorded.
func (c *Cards) ByTrackID(ctx context.Context, outTrackID string) (CardRecord, error) {
	var row cardRow
	err := c.s.db.NewSelect().Model(&row).Where("out_track_id = ?", outTrackID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return CardRecord{}, core.ErrNotFound
	}
	if err != nil {
		return CardRecord{}, fmt.Errorf("reading card %s: %w", outTrackID, err)
	}
	return row.record(), nil
}
