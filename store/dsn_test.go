package store_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dingops/dingops/store"
)

// TestDSNForms: both PostgreSQL forms are PostgreSQL (a keyword/value DSN
// was taken for a SQLite file named after it), and the password of every
// form is found and hidden.
func TestDSNForms(t *testing.T) {
	tests := []struct {
		name, dsn string
		pg        bool
		password  string
	}{
		{"sqlite file", "dingops.db", false, ""},
		{"sqlite uri", "file:/var/lib/dingops/dingops.db", false, ""},
		{"sqlite with = in a dir", "./data=x/dingops.db", false, ""},
		{"url, no password", "postgres://app@db:5432/dingops?sslmode=disable", true, ""},
		{"url, user info", "postgres://app:hunter22@db:5432/dingops", true, "hunter22"},
		{"postgresql scheme", "postgresql://app:hunter22@db/dingops", true, "hunter22"},
		{"url, escaped", "postgres://app:p%40ss%2Fword@db/dingops", true, "p@ss/word"},
		{"url, query parameter", "postgres://app@db/dingops?sslmode=disable&password=hunter22", true, "hunter22"},
		{"keyword/value", "host=db port=5432 user=app password=hunter22 dbname=dingops", true, "hunter22"},
		{"keyword/value, quoted", "host=db password='hun ter22' dbname=dingops", true, "hun ter22"},
		{"keyword/value, spaced", "dbname = dingops password = hunter22", true, "hunter22"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PGPASSWORD", "")
			t.Setenv("PGPASSFILE", "/nonexistent")
			assert.Equal(t, tt.pg, store.IsPostgres(tt.dsn))
			assert.Equal(t, tt.password, store.DSNPassword(tt.dsn))
			red := store.Redact(tt.dsn)
			if tt.password == "" {
				assert.Equal(t, tt.dsn, red)
				return
			}
			assert.NotContains(t, red, tt.password)
			assert.NotContains(t, red, "hunter22")
			assert.NotContains(t, red, "ter22")
			assert.Contains(t, red, "[redacted]")
		})
	}
}
