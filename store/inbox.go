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

// Inbox states.
const (
	InboxPending = "pending"
	InboxDone    = "done"
)

// InboundMessage is one chat message as the DingTalk transport recorded it.
type InboundMessage struct {
	MsgID      string // DingTalk's data.msgId: unique
	ReceivedAt time.Time
	ChatID     string
	Sender     string // staff id, "" for an external user
	Body       string // the converted message, JSON
	State      string // InboxPending or InboxDone
	Owner      string // the replica that claimed it last
	LeaseUntil time.Time
	DoneAt     time.Time
}

type inboxRow struct {
	bun.BaseModel `bun:"table:inbox_messages"`

	MsgID      string `bun:"msg_id,pk"`
	ReceivedAt int64  `bun:"received_at"`
	ChatID     string `bun:"chat_id"`
	Sender     string `bun:"sender"`
	Body       string `bun:"body"`
	State      string `bun:"state"`
	Owner      string `bun:"owner"`
	LeaseUntil int64  `bun:"lease_until"`
	DoneAt     int64  `bun:"done_at"`
}

func (r inboxRow) message() InboundMessage {
	return InboundMessage{MsgID: r.MsgID, ReceivedAt: fromMS(r.ReceivedAt), ChatID: r.ChatID, Sender: r.Sender,
		Body: r.Body, State: r.State, Owner: r.Owner, LeaseUntil: fromMS(r.LeaseUntil), DoneAt: fromMS(r.DoneAt)}
}

// Inbox is the record of inbound chat messages: written before the stream
// SDK acknowledges a message, claimed by the replica that handles it,
// marked done after the reply.
type Inbox struct{ s *Store }

// Inbox returns the inbound message record.
func (s *Store) Inbox() *Inbox { return &Inbox{s: s} }

// Record stores a new pending message; it reports false (and changes
// nothing) when the message id is already recorded, so a redelivery is
// dropped.
func (i *Inbox) Record(ctx context.Context, m InboundMessage) (bool, error) {
	if m.MsgID == "" {
		return false, errors.New("recording inbound message: empty message id")
	}
	res, err := i.s.hotExec(ctx, `INSERT INTO inbox_messages (msg_id, received_at, chat_id, sender, body, state)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (msg_id) DO NOTHING`,
		m.MsgID, ms(m.ReceivedAt), m.ChatID, m.Sender, m.Body, InboxPending)
	if err != nil {
		return false, fmt.Errorf("recording inbound message %s: %w", m.MsgID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("recording inbound message %s: %w", m.MsgID, err)
	}
	return n == 1, nil
}

// Claim takes a pending message for owner until now+lease, unless another
// claim is still live or the message is done; it reports whether owner got
// it. One claim wins however many replicas try at once. The claimed row
// comes back from the same statement (UPDATE ... RETURNING).
func (i *Inbox) Claim(ctx context.Context, msgID, owner string, now time.Time, lease time.Duration) (InboundMessage, bool, error) {
	r := inboxRow{MsgID: msgID}
	err := i.s.hotQueryRow(ctx, false, `UPDATE inbox_messages SET owner = ?, lease_until = ?
		WHERE msg_id = ? AND state = ? AND lease_until <= ?
		RETURNING received_at, chat_id, sender, body, state, owner, lease_until, done_at`,
		[]any{&r.ReceivedAt, &r.ChatID, &r.Sender, &r.Body, &r.State, &r.Owner, &r.LeaseUntil, &r.DoneAt},
		owner, ms(now.Add(lease)), msgID, InboxPending, ms(now))
	if errors.Is(err, sql.ErrNoRows) {
		return InboundMessage{}, false, nil
	}
	if err != nil {
		return InboundMessage{}, false, fmt.Errorf("claiming inbound message %s: %w", msgID, err)
	}
	return r.message(), true, nil
}

// Get reads one message; core.ErrNotFound if it is not recorded.
func (i *Inbox) Get(ctx context.Context, msgID string) (InboundMessage, error) {
	var row inboxRow
	err := i.s.db.NewSelect().Model(&row).Where("msg_id = ?", msgID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return InboundMessage{}, core.ErrNotFound
	}
	if err != nil {
		return InboundMessage{}, fmt.Errorf("reading inbound message %s: %w", msgID, err)
	}
	return row.message(), nil
}

// Done marks a message handled.
func (i *Inbox) Done(ctx context.Context, msgID string, at time.Time) error {
	_, err := i.s.hotExec(ctx, "UPDATE inbox_messages SET state = ?, done_at = ?, lease_until = 0 WHERE msg_id = ?",
		InboxDone, ms(at), msgID)
	if err != nil {
		return fmt.Errorf("marking inbound message %s done: %w", msgID, err)
	}
	return nil
}

// Pending lists messages not done and not under a live claim at now,
// oldest first: what a start-up or periodic scan should handle.
func (i *Inbox) Pending(ctx context.Context, now time.Time, limit int) ([]InboundMessage, error) {
	var rows []inboxRow
	q := i.s.db.NewSelect().Model(&rows).Where("state = ?", InboxPending).Where("lease_until <= ?", ms(now)).
		Order("received_at ASC", "msg_id ASC")
	if limit > 0 {
		q = q.Limit(int64(limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("listing pending inbound messages: %w", err)
	}
	out := make([]InboundMessage, len(rows))
	for k, r := range rows {
		out[k] = r.message()
	}
	return out, nil
}

// Prune deletes messages handled before before, for the retention job, and
// reports how many it deleted. Unfinished messages are kept whatever their
// age.
func (i *Inbox) Prune(ctx context.Context, before time.Time) (int, error) {
	res, err := i.s.w.ExecContext(ctx, "DELETE FROM inbox_messages WHERE state = ? AND done_at < ?", InboxDone, ms(before))
	if err != nil {
		return 0, fmt.Errorf("pruning inbound messages: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
