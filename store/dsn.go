package store

import (
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/dingops/dingops/core/redact"
)

// pgKeyword is the start of a libpq keyword/value connection string
// ("host=db port=5432 …"): a known connection keyword, then "=". The
// keywords are libpq's (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS);
// pgx reads the same form (pgconn.ParseConfig). A SQLite path never starts
// with one of them followed by "=".
var pgKeyword = regexp.MustCompile(`^\s*(host|hostaddr|port|dbname|user|password|passfile|sslmode|sslrootcert|sslcert|sslkey|` +
	`connect_timeout|application_name|options|target_session_attrs|service|channel_binding|sslpassword)\s*=`)

// IsPostgres reports whether dsn names a PostgreSQL database, in either of
// PostgreSQL's forms: a postgres:// (or postgresql://) URL, or a
// keyword/value string. Anything else is a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") || pgKeyword.MatchString(dsn)
}

// DSNPassword is the password dsn carries, in whatever form (URL user
// info, a password query parameter, a password keyword); "" for SQLite or
// none. It is what the redactor must know.
func DSNPassword(dsn string) string {
	if !IsPostgres(dsn) {
		return ""
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return ""
	}
	return cfg.Password
}

// Redact hides a DSN's password, in every form PostgreSQL accepts, for
// messages and logs.
func Redact(dsn string) string { return RedactIn(dsn, dsn) }

// RedactIn hides dsn's password wherever it appears in s (an error that
// quotes the DSN, say), and every password field of s.
func RedactIn(dsn, s string) string { return redact.New(DSNPassword(dsn)).Redact(s) }
