package system

import (
	"context"
	"log/slog"
	"time"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/bot/doctor"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/store"
)

// DoctorOptions tune DoctorChecks.
type DoctorOptions struct {
	App    string              // only this app's target checks; "" all
	Write  bool                // --write-checks: prove writes (OSS copy of the fixed key onto itself)
	Getenv func(string) string // for git credentials' variables; nil is none
	// CardChat (a chats: name or an openConversationId) gets a test card
	// created from card_template_id and updated once; "" skips it.
	CardChat string
	Now      time.Time // zero is time.Now
}

// DoctorChecks builds `dingops doctor`'s checks from a configuration: one
// group per integration it names, each from the same adapters the assembly
// builds. The returned redactor knows every configured secret value; close
// releases the store it opened.
func DoctorChecks(ctx context.Context, cfg *configs.Config, o DoctorOptions) ([]doctor.Check, doctor.Redactor, func()) {
	quiet := slog.New(slog.DiscardHandler)
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	var checks []doctor.Check
	checks = append(checks, dingtalkChecks(cfg, quiet, o.CardChat)...)
	checks = append(checks, targetChecks(cfg, o, quiet)...)
	checks = append(checks, pipelineChecks(cfg, quiet)...)
	stChecks, closeStore := storeChecks(ctx, cfg)
	checks = append(checks, stChecks...)
	checks = append(checks, calendarChecks(cfg, o.Now)...)
	return checks, doctor.Redactor(SecretValues(cfg, o.Getenv)), closeStore
}

func dingtalkChecks(cfg *configs.Config, log *slog.Logger, cardChat string) []doctor.Check {
	d := cfg.DingTalk
	if d == nil {
		return nil
	}
	dt, err := dingtalkClient(cfg, nil, log)
	if err != nil {
		return []doctor.Check{doctor.Static("dingtalk", "client", "build the DingTalk client", doctor.FailedErr(err, "fix the dingtalk section"))}
	}
	s := doctor.DingTalkSetup{ClientID: d.ClientID, SecretEnv: d.ClientSecretEnv, SecretSet: d.ClientSecret.Set(),
		RobotCode: def(d.RobotCode, d.ClientID), MiniApps: map[string]string{}}
	for name, a := range cfg.Apps {
		if m, ok := a.Target.Section().(*configs.MiniApp); ok {
			s.MiniApps[name] = m.AgentID
		}
	}
	checks := doctor.DingTalkChecks(dt, s)
	if cardChat != "" && s.SecretSet {
		if c, ok := cfg.Chats[cardChat]; ok {
			cardChat = c.ConversationID
		}
		checks = append(checks, doctor.CardCheck(dt, d.CardTemplateID, cardChat, bot.CardParams))
	}
	return checks
}

func storeChecks(ctx context.Context, cfg *configs.Config) ([]doctor.Check, func()) {
	s, err := store.Open(ctx, cfg.Store.DSN, store.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return []doctor.Check{doctor.Static("store", "reachable", "open the store", doctor.FailedErr(err,
			"check store.dsn (or the variable store.dsn_env names) and that the database is up"))}, func() {}
	}
	return doctor.StoreChecks(s), func() { _ = s.Close() }
}

func calendarChecks(cfg *configs.Config, now time.Time) []doctor.Check {
	ws, _, err := buildWindows(cfg)
	if err != nil {
		return []doctor.Check{doctor.Static("calendar", "windows", "build the windows", doctor.FailedErr(err, "fix calendar and windows"))}
	}
	apps := map[string]string{}
	for name, w := range cfg.Windows {
		if a := cfg.WindowApps(w); len(a) > 0 {
			apps[name] = a[0]
		}
	}
	plan := func(app string, from time.Time, days int) (int, bool) {
		ps, _, ok := ws.WindowPlan(app, from, days)
		n := 0
		for _, p := range ps {
			if len(p.Spans) > 0 {
				n++
			}
		}
		return n, ok
	}
	return doctor.CalendarChecks(now, ws.DataEnds().In(cfg.Zone()), apps, plan)
}

func def(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
