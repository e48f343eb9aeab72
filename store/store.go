// Package store persists dingops's state with bun: SQLite by default (pure
// Go, one replica), PostgreSQL for several replicas. It implements the
// engine's ports (core.ReleaseStore, core.LockStore, core.AuditLog,
// core.Replicas) and the bot's message and announcement records.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"

	"github.com/dingops/dingops/core"
)

// Store is the database behind every port.
type Store struct {
	db    *bun.DB // reads
	w     *bun.DB // writes: on SQLite one connection, so writers queue in Go instead of sleeping in SQLite's busy handler
	pg    bool
	clock core.Clock
	log   *slog.Logger
	hooks []bun.QueryHook // also run for the hot statements (prepared.go)
	wHot  hot             // prepared statements on w
	rHot  hot             // prepared statements on db
}

var (
	_ core.ReleaseStore = (*Store)(nil)
	_ core.LockStore    = (*Store)(nil)
	_ core.AuditLog     = (*Store)(nil)
	_ core.Replicas     = (*Store)(nil)
)

// Options tune Open.
type Options struct {
	Clock  core.Clock // for migration timestamps; nil = system clock
	Logger *slog.Logger
}

// Open connects to dsn: a PostgreSQL URL or keyword/value string, or a
// SQLite file path (or file: URI). It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string, o Options) (*Store, error) {
	if o.Clock == nil {
		o.Clock = core.WallClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{pg: IsPostgres(dsn), clock: o.Clock, log: o.Logger}
	s.wHot.pg, s.rHot.pg = s.pg, s.pg
	var err error
	if s.pg {
		s.db, err = openPostgres(dsn)
		s.w = s.db
	} else if s.db, err = openSQLite(dsn, 8); err == nil {
		if s.w, err = openSQLite(dsn, 1); err != nil {
			_ = s.db.Close()
		}
	}
	if err != nil {
		return nil, err
	}
	if err := s.db.PingContext(ctx); err != nil {
		_ = s.db.Close()
		return nil, fmt.Errorf("connecting to %s: %s", Redact(dsn), RedactIn(dsn, err.Error()))
	}
	return s, nil
}

// openPostgres opens a pool through pgx. bun writes every argument into the
// SQL text, so nearly every statement is new to the server; pgx's default
// mode would prepare each one (a Parse/Describe round trip, then the
// execution, then a statement cache evicting them). The simple protocol
// sends each statement once, halving the round trips on every flow. A DSN
// that names default_query_exec_mode keeps its own choice.
func openPostgres(dsn string) (*bun.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %s", Redact(dsn), RedactIn(dsn, err.Error()))
	}
	if !strings.Contains(dsn, "default_query_exec_mode") {
		cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	}
	sqldb := stdlib.OpenDB(*cfg)
	sqldb.SetMaxOpenConns(20)
	sqldb.SetMaxIdleConns(10)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	return bun.NewDB(sqldb, pgdialect.New()), nil
}

// sqlitePragmas make concurrent writers wait for each other instead of
// failing with SQLITE_BUSY: WAL, a busy timeout and immediate transactions.
const sqlitePragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"

func openSQLite(dsn string, conns int) (*bun.DB, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "file:")
	if path == "" || strings.Contains(path, ":memory:") || strings.Contains(path, "mode=memory") {
		return nil, fmt.Errorf("sqlite needs a file (WAL and several connections), got %q", dsn)
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	full := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + sqlitePragmas
	sqldb, err := sql.Open(sqliteshim.ShimName, full)
	if err != nil {
		return nil, fmt.Errorf("opening sqlite %s: %w", path, err)
	}
	sqldb.SetMaxOpenConns(conns)
	return bun.NewDB(sqldb, sqlitedialect.New()), nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.wHot.close()
	s.rHot.close()
	err := s.db.Close()
	if s.w != s.db {
		if werr := s.w.Close(); err == nil {
			err = werr
		}
	}
	return err
}

// DB exposes the bun handle to the bot's own tables in this package's tests
// and to health checks.
func (s *Store) DB() *bun.DB { return s.db }

// AddQueryHook adds a bun query hook to every connection pool (the
// benchmarks count statements with one).
func (s *Store) AddQueryHook(h bun.QueryHook) {
	s.hooks = append(s.hooks, h)
	s.db.AddQueryHook(h)
	if s.w != s.db {
		s.w.AddQueryHook(h)
	}
}

// Dialect names the database kind: "postgres" or "sqlite".
func (s *Store) Dialect() string {
	if s.pg {
		return "postgres"
	}
	return "sqlite"
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// InstallationID is the random id created at the first migration; card
// track ids start with it so a reset store never collides with old cards.
func (s *Store) InstallationID(ctx context.Context) (string, error) {
	var v string
	err := s.db.NewSelect().Table("meta").Column("value").Where("key = 'installation_id'").Scan(ctx, &v)
	if err != nil {
		return "", fmt.Errorf("reading installation id: %w", err)
	}
	return v, nil
}

func (s *Store) now() time.Time { return s.clock.Now() }

// forUpdate locks selected rows on PostgreSQL; SQLite's immediate
// transactions already hold the write lock.
func (s *Store) forUpdate(q *bun.SelectQuery) *bun.SelectQuery {
	if s.pg {
		return q.For("UPDATE")
	}
	return q
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
