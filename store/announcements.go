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

// Announcement statuses. A row is inserted "sending" by the replica that
// won it, then becomes "sent" or "failed"; a failed row, or a "sending" row
// whose sender went quiet past its lease, can be claimed again.
const (
	AnnouncementSending = "sending"
	AnnouncementSent    = "sent"
	AnnouncementFailed  = "failed"
)

// maxAnnouncementError bounds the failure text kept on a row.
const maxAnnouncementError = 1000

// Announcement is the record of one scheduled announcement: the once-only
// guard across replicas and what became of the send.
type Announcement struct {
	Key       string
	FireAt    time.Time // the scheduled fire time (UTC), not when a replica woke
	Chat      string
	Status    string
	Owner     string // the replica holding, or last holding, the claim
	Attempts  int
	ClaimedAt time.Time
	RetryAt   time.Time // failed: not claimed again before this
	SentAt    time.Time
	Error     string // the last failure
}

// AnnouncementClaim asks for the right to send one scheduled announcement.
type AnnouncementClaim struct {
	Key    string
	FireAt time.Time
	Chat   string
	Owner  string
	Now    time.Time
	// Lease protects a claim in "sending": after it, a sender that never
	// reported (a crashed replica) is presumed dead and the claim is taken
	// over. Keep it well above the send timeout.
	Lease time.Duration
}

// AnnouncementOutcome is how a claimed send ended.
type AnnouncementOutcome struct {
	Key     string
	FireAt  time.Time
	Owner   string
	At      time.Time
	Err     string    // "" means sent
	RetryAt time.Time // failed: the earliest time another claim may retry
}

type announcementRow struct {
	bun.BaseModel `bun:"table:announcements"`

	Key       string `bun:"post_key,pk"`
	FireAt    int64  `bun:"fire_at,pk"`
	Chat      string `bun:"chat"`
	Status    string `bun:"status"`
	Owner     string `bun:"owner"`
	Attempts  int    `bun:"attempts"`
	ClaimedAt int64  `bun:"claimed_at"`
	RetryAt   int64  `bun:"retry_at"`
	SentAt    int64  `bun:"sent_at"`
	Error     string `bun:"error"`
}

func (r announcementRow) announcement() Announcement {
	return Announcement{Key: r.Key, FireAt: fromMS(r.FireAt), Chat: r.Chat, Status: r.Status, Owner: r.Owner,
		Attempts: r.Attempts, ClaimedAt: fromMS(r.ClaimedAt), RetryAt: fromMS(r.RetryAt), SentAt: fromMS(r.SentAt),
		Error: r.Error}
}

// ClaimAnnouncement reports whether the caller won (key, fire time) and must
// send. The first claim is an INSERT that only one replica can make (the
// primary key decides, whatever the clocks say); a later claim succeeds only
// on a failed row whose retry time has come or on a "sending" row whose
// lease lapsed, as one conditional UPDATE, so two retriers never both win.
func (s *Store) ClaimAnnouncement(ctx context.Context, c AnnouncementClaim) (bool, error) {
	if c.FireAt.IsZero() || c.Lease <= 0 {
		return false, fmt.Errorf("claiming announcement %s: a fire time and a lease are required", c.Key)
	}
	row := announcementRow{Key: c.Key, FireAt: c.FireAt.UnixMilli(), Chat: c.Chat, Status: AnnouncementSending,
		Owner: c.Owner, Attempts: 1, ClaimedAt: ms(c.Now)}
	res, err := s.w.NewInsert().Model(&row).On("CONFLICT (post_key, fire_at) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("claiming announcement %s at %s: %w", c.Key, c.FireAt.UTC().Format(time.RFC3339), err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	res, err = s.w.NewUpdate().Table("announcements").
		Set("status = ?", AnnouncementSending).Set("owner = ?", c.Owner).Set("claimed_at = ?", ms(c.Now)).
		Set("attempts = attempts + 1").
		Where("post_key = ?", c.Key).Where("fire_at = ?", c.FireAt.UnixMilli()).
		Where("((status = ? AND retry_at <= ?) OR (status = ? AND claimed_at <= ?))",
			AnnouncementFailed, ms(c.Now), AnnouncementSending, ms(c.Now.Add(-c.Lease))).
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("reclaiming announcement %s: %w", c.Key, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FinishAnnouncement records a claimed send as sent or failed. It returns
// core.ErrStale when o.Owner no longer holds the claim (its lease lapsed
// and another replica took over), so the caller can log a possible repeat.
func (s *Store) FinishAnnouncement(ctx context.Context, o AnnouncementOutcome) error {
	q := s.w.NewUpdate().Table("announcements").
		Where("post_key = ?", o.Key).Where("fire_at = ?", o.FireAt.UnixMilli()).
		Where("owner = ?", o.Owner).Where("status = ?", AnnouncementSending)
	if o.Err == "" {
		q = q.Set("status = ?", AnnouncementSent).Set("sent_at = ?", ms(o.At))
	} else {
		msg := o.Err
		if r := []rune(msg); len(r) > maxAnnouncementError {
			msg = string(r[:maxAnnouncementError])
		}
		q = q.Set("status = ?", AnnouncementFailed).Set("error = ?", msg).Set("retry_at = ?", ms(o.RetryAt))
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return fmt.Errorf("recording announcement %s: %w", o.Key, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return core.ErrStale
	}
	return nil
}

// Announcement reads the record of (key, fire time); core.ErrNotFound if
// no replica claimed it.
func (s *Store) Announcement(ctx context.Context, key string, fireAt time.Time) (Announcement, error) {
	var row announcementRow
	err := s.db.NewSelect().Model(&row).Where("post_key = ?", key).Where("fire_at = ?", fireAt.UnixMilli()).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Announcement{}, core.ErrNotFound
	}
	if err != nil {
		return Announcement{}, fmt.Errorf("reading announcement %s: %w", key, err)
	}
	return row.announcement(), nil
}

// Announcements lists the records scheduled in [from, to), oldest first.
func (s *Store) Announcements(ctx context.Context, from, to time.Time) ([]Announcement, error) {
	var rows []announcementRow
	err := s.db.NewSelect().Model(&rows).Where("fire_at >= ?", from.UnixMilli()).Where("fire_at < ?", to.UnixMilli()).
		OrderExpr("fire_at ASC, post_key ASC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing announcements: %w", err)
	}
	out := make([]Announcement, len(rows))
	for i, r := range rows {
		out[i] = r.announcement()
	}
	return out, nil
}

// PruneAnnouncements deletes the records scheduled before `before` and
// says how many went. Records older than the grace are never claimed
// again, so only the history is lost.
func (s *Store) PruneAnnouncements(ctx context.Context, before time.Time) (int, error) {
	res, err := s.w.NewDelete().Table("announcements").Where("fire_at < ?", before.UnixMilli()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("pruning announcements: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ReleasesCreatedBetween lists the releases of apps created in [from, to),
// by app and version, for the weekly digest. Approvals are not loaded.
func (s *Store) ReleasesCreatedBetween(ctx context.Context, apps []string, from, to time.Time) ([]core.Release, error) {
	if len(apps) == 0 {
		return nil, nil
	}
	var rows []releaseRow
	err := s.db.NewSelect().Model(&rows).Where("app IN (?)", bun.In(apps)).
		Where("created_at >= ?", ms(from)).Where("created_at < ?", ms(to)).
		OrderExpr("app ASC, version ASC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading releases for the digest: %w", err)
	}
	out := make([]core.Release, len(rows))
	for i, r := range rows {
		out[i] = r.release()
	}
	return out, nil
}
