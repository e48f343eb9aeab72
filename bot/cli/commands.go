package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

func runRecord(ctx context.Context, env Env, args []string) int {
	fs := flags(env, "record", "--config FILE --app APP --artifact REF [--commit SHA] [--by WHO]")
	cfgPath := fs.String("config", "", "configuration file")
	app := fs.String("app", "", "the app released")
	ref := fs.String("artifact", "", "what was released: image reference, hashed manifest key, or mini-program version id")
	digest := fs.String("digest", "", "the artifact's digest or ETag, if known (checked against the target)")
	display := fs.String("display", "", "a short name for the artifact (e.g. 1.4.2)")
	commit := fs.String("commit", "", "the git commit released")
	by := fs.String("by", "", "who released it (staff id; default: ci)")
	key := fs.String("key", "", "idempotency key: recording the same key twice records once")
	if code, ok := parse(env, fs, args); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return usageError(env, "record", "unexpected argument %q", fs.Arg(0))
	case *app == "":
		return usageError(env, "record", "--app is required")
	case *ref == "":
		return usageError(env, "record", "--artifact is required")
	}
	sys, code := assemble(ctx, env, "record", *cfgPath, system.Options{Local: true})
	if sys == nil {
		return code
	}
	defer sys.Close()
	actor := core.Actor{StaffID: def(*by, "ci"), OSUser: env.OSUser, Origin: core.OriginShell}
	idem := *key
	if idem != "" {
		idem = "record:" + idem
	}
	r, created, err := sys.Engine.Record(ctx, core.RecordRequest{Actor: actor, App: *app, Commit: *commit, By: *by, Key: idem,
		Artifact: core.Artifact{Ref: *ref, Digest: *digest, Display: *display}})
	if err != nil {
		return refusalOrFail(ctx, env, sys, "record", err)
	}
	if !created {
		fmt.Fprintln(env.Stdout, sys.Bot.T(sys.Bot.Lang(), "cli.already_recorded", "release", r.Label(), "artifact", r.Artifact.Ref))
		return 0
	}
	fmt.Fprintln(env.Stdout, sys.Bot.T(sys.Bot.Lang(), "cli.recorded", "release", r.Label(), "artifact", r.Artifact.Label()))
	return 0
}

func refusalOrFail(ctx context.Context, env Env, sys *system.System, cmd string, err error) int {
	var refusal *core.Refusal
	if errors.As(err, &refusal) {
		fmt.Fprintf(env.Stderr, "dingops %s: %s\n", cmd, sys.Bot.RefusalText(ctx, sys.Bot.Lang(), err))
		return 1
	}
	return fail(env, cmd, err)
}

func def(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func runMigrate(ctx context.Context, env Env, args []string) int {
	fs := flags(env, "migrate", "--config FILE | --dsn DSN")
	cfgPath := fs.String("config", "", "configuration file (its store.dsn)")
	dsn := fs.String("dsn", "", "database DSN (instead of --config)")
	if code, ok := parse(env, fs, args); !ok {
		return code
	}
	if (*cfgPath == "") == (*dsn == "") {
		return usageError(env, "migrate", "give exactly one of --config and --dsn")
	}
	if *cfgPath != "" {
		cfg, ok := load(env, "migrate", *cfgPath)
		if !ok {
			return 1
		}
		*dsn = cfg.Store.DSN
	}
	s, err := store.Open(ctx, *dsn, store.Options{})
	if err != nil {
		return fail(env, "migrate", err)
	}
	defer s.Close()
	pending, _ := s.Pending(ctx)
	if err := s.Migrate(ctx); err != nil {
		return fail(env, "migrate", err)
	}
	id, err := s.InstallationID(ctx)
	if err != nil {
		return fail(env, "migrate", err)
	}
	fmt.Fprintf(env.Stdout, "%s: %d migration(s) applied, schema current; installation %s\n", store.Redact(*dsn), pending, id)
	return 0
}

func runAudit(ctx context.Context, env Env, args []string) int {
	fs := flags(env, "audit", "--config FILE [--app APP] [--since YYYY-MM-DD] [--format csv|json]")
	cfgPath := fs.String("config", "", "configuration file")
	app := fs.String("app", "", "only this app")
	actor := fs.String("actor", "", "only this actor (staff id)")
	kind := fs.String("kind", "", "only this kind of event (request, approve, reject, refusal, urgent_override, lock, unlock, transition, step, cancel, expire, record, config_load, target_note)")
	since := fs.String("since", "", "from this day (in the configured time zone)")
	until := fs.String("until", "", "before this day")
	format := fs.String("format", "csv", "csv or json")
	if code, ok := parse(env, fs, args); !ok {
		return code
	}
	if *format != "csv" && *format != "json" {
		return usageError(env, "audit", "--format must be csv or json")
	}
	cfg, ok := load(env, "audit", *cfgPath)
	if !ok {
		return 1
	}
	f := core.AuditFilter{App: *app, Actor: *actor, Kind: core.AuditKind(*kind)}
	for _, d := range []struct {
		flag string
		val  string
		dst  *time.Time
	}{{"since", *since, &f.Since}, {"until", *until, &f.Until}} {
		if d.val == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.val, cfg.Zone())
		if err != nil {
			return usageError(env, "audit", "--%s %q is not a date (YYYY-MM-DD)", d.flag, d.val)
		}
		*d.dst = t
	}
	s, err := store.Open(ctx, cfg.Store.DSN, store.Options{})
	if err != nil {
		return fail(env, "audit", err)
	}
	defer s.Close()
	evs, err := s.Audit(ctx, f)
	if err != nil {
		return fail(env, "audit", err)
	}
	return writeAudit(env, cfg.Zone(), *format, evs)
}

// auditRelease is an event's release id, or nil (JSON null) for an event
// about no release (a manual lock, a refusal before any release existed).
func auditRelease(e core.AuditEvent) any {
	if e.ReleaseID == 0 {
		return nil
	}
	return int64(e.ReleaseID)
}

// releaseCell is auditRelease for CSV: empty when there is no release.
func releaseCell(e core.AuditEvent) string {
	if e.ReleaseID == 0 {
		return ""
	}
	return strconv.FormatInt(int64(e.ReleaseID), 10)
}

func writeAudit(env Env, zone *time.Location, format string, evs []core.AuditEvent) int {
	if format == "json" {
		enc := json.NewEncoder(env.Stdout)
		for _, e := range evs {
			_ = enc.Encode(map[string]any{"id": e.ID, "at": e.At.In(zone).Format(time.RFC3339Nano), "actor": e.Actor,
				"os_user": e.OSUser, "kind": e.Kind, "app": e.App, "release": auditRelease(e), "origin": e.Origin, "detail": e.Detail})
		}
		return 0
	}
	w := csv.NewWriter(env.Stdout)
	_ = w.Write([]string{"id", "at", "actor", "os_user", "kind", "app", "release", "origin", "detail"})
	for _, e := range evs {
		_ = w.Write([]string{strconv.FormatInt(e.ID, 10), e.At.In(zone).Format(time.RFC3339Nano), e.Actor, e.OSUser,
			string(e.Kind), e.App, releaseCell(e), string(e.Origin), e.Detail})
	}
	w.Flush()
	return 0
}
