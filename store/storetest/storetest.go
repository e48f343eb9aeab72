// Package storetest opens throwaway stores for tests: SQLite always, and
// PostgreSQL when DINGOPS_TEST_POSTGRES_DSN is set. Each PostgreSQL store
// lives in its own database, created and dropped around the test, so test
// packages can run in parallel against one server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// EnvPostgres names the variable holding an admin DSN of a PostgreSQL server.
const EnvPostgres = "DINGOPS_TEST_POSTGRES_DSN"

// Backend is one database kind a test runs on.
type Backend struct {
	Name string
	// DSN makes a fresh, empty database and returns its DSN.
	DSN func(t testing.TB) string
}

// Backends lists SQLite, and PostgreSQL when configured.
func Backends() []Backend {
	bs := []Backend{{Name: "sqlite", DSN: SQLiteDSN}}
	if os.Getenv(EnvPostgres) != "" {
		bs = append(bs, Backend{Name: "postgres", DSN: PostgresDSN})
	}
	return bs
}

// Each runs f once per backend as a subtest, with a migrated store.
func Each(t *testing.T, clock core.Clock, f func(t *testing.T, s *store.Store)) {
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			f(t, Open(t, b.DSN(t), clock))
		})
	}
}

// Open opens and migrates the store at dsn and closes it after the test.
func Open(t testing.TB, dsn string, clock core.Clock) *store.Store {
	ctx := context.Background()
	s, err := store.Open(ctx, dsn, store.Options{Clock: clock})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.NoError(t, s.Migrate(ctx))
	return s
}

// SQLiteDSN is a fresh SQLite file in the test's temporary directory.
func SQLiteDSN(t testing.TB) string {
	return filepath.Join(t.TempDir(), "dingops.db")
}

// PostgresDSN creates a database on the configured server, drops it when
// the test ends, and returns its DSN.
func PostgresDSN(t testing.TB) string {
	admin := os.Getenv(EnvPostgres)
	if admin == "" {
		t.Skip(EnvPostgres + " not set")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "dingops_t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", admin)
	require.NoError(t, err)
	_, err = db.Exec("CREATE DATABASE " + name)
	require.NoError(t, err, "creating test database")
	t.Cleanup(func() {
		_, _ = db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		_ = db.Close()
	})
	u, err := url.Parse(admin)
	require.NoError(t, err)
	u.Path = "/" + name
	return u.String()
}
