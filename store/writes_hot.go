package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/uptrace/bun"

	"github.com/dingops/dingops/core"
)

// The writes every request makes — the version allocation, the release
// insert and its audit rows — as hot statements (prepared.go) run inside
// the request's transaction, with fixed column lists instead of bun's
// reflection.

// releaseInsertColumns is releaseColumns without the id, in releaseRow's
// order; TestHotColumnsAreReleaseRow keeps both lists equal to the row.
var releaseInsertColumns = strings.ReplaceAll(strings.TrimPrefix(releaseColumns, "r.id, "), "r.", "")

var (
	qNextVersion = `INSERT INTO apps (name, next_version) VALUES (?, 2)
		ON CONFLICT (name) DO UPDATE SET next_version = apps.next_version + 1 RETURNING next_version`
	qInsertRelease = "INSERT INTO releases (" + releaseInsertColumns + ") VALUES (" +
		placeholders(strings.Count(releaseInsertColumns, ",")+1) + ") RETURNING id"
	qSetLive = "UPDATE apps SET live_release_id = ?, live_since = ? WHERE name = ?"
)

// releaseInsertArgs lists w's values for qInsertRelease; an empty origin
// message id is NULL (the column is unique where set).
func releaseInsertArgs(w *releaseRow) []any {
	var origin any
	if w.OriginMsgID != "" {
		origin = w.OriginMsgID
	}
	return []any{w.App, w.Version, w.Kind, w.RollbackOf, w.Status, w.ArtifactKind, w.ArtifactRef,
		w.ArtifactDigest, w.ArtifactDisplay, w.Requester, w.Reason, w.Urgent, origin, w.ChatID, w.Branch,
		w.CommitSHA, w.Commits, w.Warnings, w.Options, w.Requirement, w.ApprovalsNeeded, w.ExpiresAt, w.BuildRef, w.Output, w.Error,
		w.RolledBack, w.RolledBackBy, w.CreatedAt, w.UpdatedAt, w.DecidedAt, w.StartedAt, w.FinishedAt}
}

// txStmt is query's prepared statement on the write pool, bound to tx's
// connection (database/sql reuses the connection's own prepared copy). A
// statement not prepared yet is prepared for this transaction only, and
// for the pool after it (warmHot): preparing on the pool from inside a
// transaction would wait for the connection the transaction holds.
func (s *Store) txStmt(ctx context.Context, tx bun.Tx, query string) (*sql.Stmt, error) {
	if st := s.wHot.cached(query); st != nil {
		return tx.Tx.StmtContext(ctx, st), nil
	}
	return tx.Tx.PrepareContext(ctx, s.wHot.text(query))
}

// warmHot prepares on the write pool what transactions asked for.
func (s *Store) warmHot(ctx context.Context) { s.wHot.warm(context.WithoutCancel(ctx), s.w.DB) }

// txExec runs a hot statement inside tx, through the query hooks.
func (s *Store) txExec(ctx context.Context, tx bun.Tx, query string, args ...any) (sql.Result, error) {
	st, err := s.txStmt(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	ctx, ev := s.before(ctx, query, args)
	res, err := st.ExecContext(ctx, args...)
	s.after(ctx, ev, err)
	return res, err
}

// txQueryRow runs a hot statement returning one row inside tx.
func (s *Store) txQueryRow(ctx context.Context, tx bun.Tx, query string, dest []any, args ...any) error {
	st, err := s.txStmt(ctx, tx, query)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, ev := s.before(ctx, query, args)
	err = st.QueryRowContext(ctx, args...).Scan(dest...)
	s.after(ctx, ev, err)
	return err
}

// auditInsert is the statement inserting n audit rows.
func auditInsert(n int) string {
	row := "(" + placeholders(8) + ")"
	return "INSERT INTO audit_events (at, actor, os_user, kind, app, release_id, origin, detail) VALUES " +
		strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// txAudit inserts audit events, in order, in one hot statement inside tx.
func (s *Store) txAudit(ctx context.Context, tx bun.Tx, evs []core.AuditEvent) error {
	if len(evs) == 0 {
		return nil
	}
	_, err := s.txExec(ctx, tx, auditInsert(len(evs)), auditArgs(evs)...)
	return err
}

// auditArgs lists the values of evs for auditInsert(len(evs)).
func auditArgs(evs []core.AuditEvent) []any {
	args := make([]any, 0, 8*len(evs))
	for _, ev := range evs {
		args = append(args, ms(ev.At), ev.Actor, ev.OSUser, string(ev.Kind), ev.App, int64(ev.ReleaseID), string(ev.Origin), ev.Detail)
	}
	return args
}
