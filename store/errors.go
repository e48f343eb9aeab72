package store

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// uniqueViolation names the unique index a failed insert hit, or "" when
// err is not a unique violation. SQLite reports columns, PostgreSQL the
// index name; both are mapped to the index name.
func uniqueViolation(err error) string {
	if err == nil {
		return ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		if pe.Code == "23505" {
			return pe.ConstraintName
		}
		return ""
	}
	msg := err.Error()
	i := strings.Index(msg, "UNIQUE constraint failed: ")
	if i < 0 {
		return ""
	}
	cols := msg[i+len("UNIQUE constraint failed: "):]
	switch {
	case strings.HasPrefix(cols, "releases.origin_msg_id"):
		return "releases_origin"
	case strings.HasPrefix(cols, "releases.app, releases.version"):
		return "releases_app_version"
	case strings.HasPrefix(cols, "releases.app"):
		return "releases_one_active"
	case strings.HasPrefix(cols, "approvals."):
		return "approvals_pkey"
	}
	return cols
}
