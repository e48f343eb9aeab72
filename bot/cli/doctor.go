package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/dingops/dingops/bot/doctor"
	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/configs"
)

func runDoctor(ctx context.Context, env Env, args []string) int {
	fs := flags(env, "doctor", "--config FILE [--app APP] [--card-chat CHAT] [--format text|json] [--timeout 10s] [--write-checks]")
	cfgPath := fs.String("config", "", "configuration file")
	app := fs.String("app", "", "check only this app's target (the shared integrations are always checked)")
	format := fs.String("format", "text", "text or json")
	timeout := fs.Duration("timeout", 10*time.Second, "per check")
	cardChat := fs.String("card-chat", "", "post a test card (card_template_id) into this chat (a chats: name or cid…) and update it once")
	write := fs.Bool("write-checks", false, "also prove writes: copy each OSS fixed key onto itself (same content and metadata)")
	if code, ok := parse(env, fs, args); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return usageError(env, "doctor", "unexpected argument %q", fs.Arg(0))
	case *format != "text" && *format != "json":
		return usageError(env, "doctor", "--format must be text or json")
	case *timeout <= 0:
		return usageError(env, "doctor", "--timeout must be positive")
	}
	cfg, ok := load(env, "doctor", *cfgPath)
	if !ok {
		return 1
	}
	if _, exists := cfg.Apps[*app]; *app != "" && !exists {
		return usageError(env, "doctor", "no app %q in %s", *app, *cfgPath)
	}
	checks, red, closeAll := system.DoctorChecks(ctx, cfg, system.DoctorOptions{App: *app, Write: *write, CardChat: *cardChat,
		Getenv: env.Getenv})
	defer closeAll()
	rs := doctor.Run(ctx, checks, *timeout)
	write2 := doctor.WriteText
	if *format == "json" {
		write2 = doctor.WriteJSON
	}
	if err := write2(env.Stdout, rs, red); err != nil {
		return fail(env, "doctor", err)
	}
	return doctor.ExitCode(rs)
}

// logDoctor logs doctor's summary once at the start of serve (no write
// checks): each ✗ and ! as a warning with its fix, then the summary line.
func logDoctor(ctx context.Context, cfg *configs.Config, env Env, log *slog.Logger) {
	checks, red, closeAll := system.DoctorChecks(ctx, cfg, system.DoctorOptions{Getenv: env.Getenv})
	defer closeAll()
	rs := doctor.Run(ctx, checks, 10*time.Second)
	if ctx.Err() != nil {
		return
	}
	for _, r := range rs {
		if r.Status != doctor.OK {
			log.Warn("doctor", "check", red.Clean(doctor.Line(r)), "fix", red.Clean(r.Fix))
		}
	}
	log.Info("doctor", "summary", doctor.Summary(rs))
}
