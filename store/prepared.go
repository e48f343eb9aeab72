package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// Hot statements — the ones every chat message runs — go to database/sql
// as prepared statements with bound arguments instead of through bun, which
// writes the arguments into the SQL text: on SQLite that text was compiled
// anew for every statement (the largest single cost of a message burst),
// and on PostgreSQL a prepared statement is parsed and planned once per
// connection. database/sql keeps each statement prepared on every
// connection it has run on; on PostgreSQL pgx runs it as one pipelined
// bind/execute round trip. Everything else stays with bun.

// hot holds a pool's prepared statements by their text.
type hot struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
	want  map[string]bool // used inside a transaction before being prepared (writes_hot.go)
	pg    bool
}

// cached returns query's prepared statement if there is one; otherwise it
// notes query for warm and returns nil.
func (h *hot) cached(query string) *sql.Stmt {
	h.mu.Lock()
	defer h.mu.Unlock()
	st, ok := h.stmts[query]
	if !ok {
		if h.want == nil {
			h.want = map[string]bool{}
		}
		h.want[query] = true
	}
	return st
}

// warm prepares the statements cached asked for. It must run outside a
// transaction: preparing on the pool waits for a connection, and SQLite's
// write pool has one.
func (h *hot) warm(ctx context.Context, db *sql.DB) {
	h.mu.Lock()
	want := h.want
	h.want = nil
	h.mu.Unlock()
	for q := range want {
		_, _ = h.stmt(ctx, db, q) // a failure leaves it unprepared: asked for again
	}
}

func (h *hot) text(query string) string {
	if h.pg {
		return dollarPlaceholders(query)
	}
	return query
}

// stmt returns query prepared on db, written with `?` placeholders. The
// lock is not held while preparing (which waits for a connection): two
// first uses may both prepare, and the loser closes its copy.
func (h *hot) stmt(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	h.mu.Lock()
	st, ok := h.stmts[query]
	h.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, h.text(query))
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if prev, ok := h.stmts[query]; ok {
		_ = st.Close()
		return prev, nil
	}
	if h.stmts == nil {
		h.stmts = map[string]*sql.Stmt{}
	}
	h.stmts[query] = st
	return st, nil
}

func (h *hot) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, st := range h.stmts {
		_ = st.Close()
	}
	h.stmts = nil
}

// dollarPlaceholders turns `?` into PostgreSQL's $1, $2, ... The hot
// statements hold no `?` inside a literal.
func dollarPlaceholders(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hotExec runs a hot statement on the write pool, through the query hooks.
func (s *Store) hotExec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.wHot.stmt(ctx, s.w.DB, query)
	if err != nil {
		return nil, err
	}
	ctx, ev := s.before(ctx, query, args)
	res, err := st.ExecContext(ctx, args...)
	s.after(ctx, ev, err)
	return res, err
}

// hotQueryRow runs a hot statement returning one row on the write pool
// (an UPDATE ... RETURNING) or, with read, on the read pool.
func (s *Store) hotQueryRow(ctx context.Context, read bool, query string, dest []any, args ...any) error {
	db, h := s.w, &s.wHot
	if read {
		db, h = s.db, &s.rHot
	}
	st, err := h.stmt(ctx, db.DB, query)
	if err != nil {
		return err
	}
	ctx, ev := s.before(ctx, query, args)
	err = st.QueryRowContext(ctx, args...).Scan(dest...)
	s.after(ctx, ev, err)
	return err
}

// before and after call the hooks added with AddQueryHook, as bun does for
// its own statements.
func (s *Store) before(ctx context.Context, query string, args []any) (context.Context, *bun.QueryEvent) {
	if len(s.hooks) == 0 {
		return ctx, nil
	}
	ev := &bun.QueryEvent{DB: s.w, Query: query, QueryTemplate: query, QueryArgs: args, StartTime: time.Now()}
	for _, h := range s.hooks {
		ctx = h.BeforeQuery(ctx, ev)
	}
	return ctx, ev
}

func (s *Store) after(ctx context.Context, ev *bun.QueryEvent, err error) {
	if ev == nil {
		return
	}
	ev.Err = err
	for i := len(s.hooks) - 1; i >= 0; i-- {
		s.hooks[i].AfterQuery(ctx, ev)
	}
}

// hotQuery runs a hot statement returning rows on the read pool, calling
// each for every row.
func (s *Store) hotQuery(ctx context.Context, query string, each func(*sql.Rows) error, args ...any) error {
	st, err := s.rHot.stmt(ctx, s.db.DB, query)
	if err != nil {
		return err
	}
	ctx, ev := s.before(ctx, query, args)
	err = scanAll(ctx, st, each, args)
	s.after(ctx, ev, err)
	return err
}

func scanAll(ctx context.Context, st *sql.Stmt, each func(*sql.Rows) error, args []any) error {
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// placeholders is "?, ?, ..." n times.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
