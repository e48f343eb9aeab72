// Command dingops is a DingTalk chat-ops bot that releases and rolls back
// production. This file is the composition root: it parses nothing itself
// (bot/cli does), and assembles the engine, store, adapters, bot and
// services from a configuration in one place. It is longer than the style's
// 300 lines on purpose: every outside system is wired here and nowhere
// else, so reading this file tells what a configuration turns into.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"os/user"
	"sort"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Shanghai and every other zone, even in a scratch image

	"github.com/dingops/dingops/adapters/calendar"
	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/adapters/container/script"
	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/git"
	"github.com/dingops/dingops/adapters/jenkins"
	"github.com/dingops/dingops/adapters/miniapp"
	"github.com/dingops/dingops/adapters/oss"
	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/bot/announce"
	"github.com/dingops/dingops/bot/cli"
	"github.com/dingops/dingops/bot/metrics"
	"github.com/dingops/dingops/bot/playground"
	"github.com/dingops/dingops/bot/stream"
	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// version is stamped at build time: go build -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	return cli.Main(ctx, args, cli.Env{Stdout: stdout, Stderr: stderr, Getenv: os.Getenv, Version: version,
		OSUser: who, Assemble: assemble, Check: check, Windows: windowsOf, Playground: playground.Main})
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// assemble builds dingops from a configuration: the store, the adapters of
// every app, the engine and the bot.
func assemble(ctx context.Context, cfg *configs.Config, o cli.Options) (*cli.System, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sys := &cli.System{Config: cfg}
	ws, probs, err := buildWindows(cfg)
	if err != nil {
		return nil, err
	}
	sys.Problems, sys.Windows = probs, ws
	var m *metrics.Metrics
	if o.Serve {
		m = metrics.New(metrics.Config{Version: version, Runtime: true})
	}
	dt, err := dingtalkClient(cfg, m, log)
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, cfg.Store.DSN, store.Options{Clock: systemClock{}, Logger: log})
	if err != nil {
		return nil, err
	}
	sys.Store, sys.Close = s, func() { _ = s.Close() }
	if err := engineAndBot(sys, cfg, dt, m, o, log); err != nil {
		sys.Close()
		return nil, err
	}
	if o.Serve {
		if err := services(sys, cfg, dt, ws, m, log); err != nil {
			sys.Close()
			return nil, err
		}
	}
	return sys, nil
}

// engineAndBot builds the engine over the store and every app's target,
// and the bot over the engine.
func engineAndBot(sys *cli.System, cfg *configs.Config, dt *dingtalk.Client, m *metrics.Metrics, o cli.Options, log *slog.Logger) error {
	s, ws := sys.Store, sys.Windows.(windowSource)
	deps, broken := deployers(cfg, dt, log)
	for app, err := range broken {
		log.Error("target unavailable: requests for this app are refused until it is fixed", "app", app, "err", err)
	}
	ecfg := core.Config{Apps: coreApps(cfg), Releases: s, Locks: s, Audit: s, Deployers: deps, Clock: systemClock{},
		Logger: log, Gate: ws.Gate, Notifier: o.Notifier}
	bcfg := bot.Config{Windows: ws, Language: cfg.Language, Chats: map[string]string{}, Zone: cfg.Zone(), Local: o.Local,
		AllowLocalApprovals: cfg.Local.AllowApprovals, Clock: systemClock{}, Logger: log}
	if m != nil {
		ecfg.Releases, ecfg.Locks, bcfg.Observer = m.Releases(s), m.Locks(s), m
	}
	var err error
	if ecfg.Builder, ecfg.Source, err = pipeline(cfg, log); err != nil {
		return err
	}
	if sys.Engine, err = core.NewEngine(ecfg); err != nil {
		return err
	}
	for _, c := range cfg.Chats {
		bcfg.Chats[c.ConversationID] = c.Language
	}
	bcfg.Engine, bcfg.Releaser = sys.Engine, sys.Engine
	sys.Bot, err = bot.New(bcfg)
	return err
}

// services builds the long-running parts of `dingops serve`: the DingTalk
// stream transport and its card notifier, announcements, the ops and web
// listeners (bound here, so a taken port fails start-up), and the pruner.
func services(sys *cli.System, cfg *configs.Config, dt *dingtalk.Client, ws windowSource, m *metrics.Metrics, log *slog.Logger) error {
	var notifier core.Notifier = core.NopNotifier{}
	opsCfg := web.OpsConfig{Addr: cfg.Server.OpsAddr, DB: sys.Store, Metrics: m.Handler(), Logger: log.With("service", "ops")}
	if dt != nil {
		tr, err := stream.New(stream.Config{Bot: sys.Bot, API: dt, Store: sys.Store, CardTemplateID: cfg.DingTalk.CardTemplateID,
			Handlers: cfg.DingTalk.Handlers, Clock: systemClock{}, Logger: log.With("adapter", "dingtalk")})
		if err != nil {
			return fmt.Errorf("dingtalk stream: %w", err)
		}
		notifier, opsCfg.Stream = tr.Notifier(), tr
		m.WatchStream(tr)
		sys.Services = append(sys.Services, tr)
	}
	sys.Engine.SetNotifier(m.Notifier(notifier))
	if err := announcements(sys, cfg, dt, ws, m, log); err != nil {
		return err
	}
	return listeners(sys, cfg, ws, opsCfg, log)
}

func listeners(sys *cli.System, cfg *configs.Config, ws windowSource, opsCfg web.OpsConfig, log *slog.Logger) error {
	ops, err := web.NewOps(opsCfg)
	if err != nil {
		return err
	}
	wcfg := web.Config{Addr: cfg.Server.WebAddr, Token: cfg.Server.APIToken.Value(), TrustedUserHeader: cfg.Server.TrustedUserHeader,
		Engine: sys.Engine, Records: sys.Store, Texts: sys.Bot, Language: cfg.Language, Zone: cfg.Zone(),
		Clock: systemClock{}, Logger: log.With("service", "web")}
	if len(cfg.Windows) > 0 {
		wcfg.Windows = ws
	}
	w, err := web.New(wcfg)
	if err != nil {
		return err
	}
	if err := ops.Listen(); err != nil {
		return err
	}
	if err := w.Listen(); err != nil {
		_ = ops.Close()
		return err
	}
	closeStore := sys.Close
	sys.Close = func() { _ = ops.Close(); closeStore() }
	pr := web.NewPruner(web.PrunerConfig{Stores: map[string]web.Prunable{"inbox": sys.Store.Inbox(),
		"announcements": web.PruneFunc(sys.Store.PruneAnnouncements)}, Retention: cfg.Server.Retention.Std(),
		Clock: systemClock{}, Logger: log.With("service", "pruner")})
	sys.Services = append(sys.Services, ops, w, pr)
	return nil
}

func announcements(sys *cli.System, cfg *configs.Config, dt *dingtalk.Client, ws windowSource, m *metrics.Metrics, log *slog.Logger) error {
	if len(cfg.Announcements.Posts) > 0 && dt != nil {
		ann, err := announce.New(announce.Config{Observer: m, Posts: announce.PostsFromConfig(cfg), Windows: ws.AppWindows,
			Calendar: ws.cal, Releases: sys.Store, Guard: sys.Store, Sender: dt, Zone: cfg.Zone(),
			Grace: cfg.Announcements.Grace.Std(), Retention: cfg.Server.Retention.Std(),
			Clock: systemClock{}, Logger: log.With("service", "announcements")})
		if err != nil {
			return fmt.Errorf("announcements: %w", err)
		}
		sys.Services = append(sys.Services, ann)
	}
	return nil
}

// coreApps maps configured apps to the engine's, with teams resolved.
func coreApps(cfg *configs.Config) []*core.App {
	names := make([]string, 0, len(cfg.Apps))
	for n := range cfg.Apps {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]*core.App, 0, len(names))
	for _, n := range names {
		a := cfg.Apps[n]
		app := &core.App{Name: n, Target: core.TargetKind(a.Target.Kind), ReleaseTeams: a.ReleaseTeams,
			ApproverTeams: a.ApproverTeams, Releasers: members(cfg, a.ReleaseTeams), Approvers: members(cfg, a.ApproverTeams),
			Repo: a.Repo, MainBranch: a.MainBranch, Job: a.JenkinsJob, Policy: policy(a.Policy)}
		for _, c := range a.Chats {
			app.Chats = append(app.Chats, cfg.Chats[c].ConversationID)
		}
		for set, apps := range cfg.AppSets {
			for _, x := range apps {
				if x == n {
					app.Sets = append(app.Sets, set)
				}
			}
		}
		sort.Strings(app.Sets)
		out = append(out, app)
	}
	return out
}

func members(cfg *configs.Config, teams []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range teams {
		for _, m := range cfg.Teams[t] {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

func policy(p configs.Policy) core.Policy {
	ap := func(a *configs.Approval) core.ApprovalPolicy {
		return core.ApprovalPolicy{Approvals: *a.Approvals, SelfApproval: a.SelfApproval, Expiry: a.Expiry.Std()}
	}
	return core.Policy{Rollback: ap(p.Rollback), Release: ap(p.Release), Urgent: ap(p.Urgent),
		RollbackNeedsWindow: p.RollbackNeedsWindow, LockAfterRollback: *p.LockAfterRollback,
		WarnMissingLive: p.MissingLiveCommits == "warn"}
}

// dingtalkClient is the OpenAPI client shared by the bot and the
// mini-program targets; nil when DingTalk is not configured.
func dingtalkClient(cfg *configs.Config, m *metrics.Metrics, log *slog.Logger) (*dingtalk.Client, error) {
	d := cfg.DingTalk
	if d == nil {
		return nil, nil
	}
	dc := dingtalk.Config{ClientID: d.ClientID, ClientSecret: dingtalk.Secret(d.ClientSecret.Value()),
		RobotCode: d.RobotCode, Endpoint: d.Endpoint, Protocol: d.Protocol, ReadTimeout: d.Timeout.Std(),
		StreamHost: d.StreamHost, Logger: log.With("adapter", "dingtalk")}
	if m != nil {
		dc.Observer = m
	}
	c, err := dingtalk.New(dc)
	if err != nil {
		return nil, fmt.Errorf("dingtalk: %w", err)
	}
	return c, nil
}

// deployers builds every app's target adapter. One app's target that
// cannot be built (no kubeconfig, a bad endpoint) does not stop the others:
// its deployer answers every call with the reason, so its requests are
// refused with it, and the error is returned for logging.
func deployers(cfg *configs.Config, dt *dingtalk.Client, log *slog.Logger) (map[string]core.Deployer, map[string]error) {
	out, broken := map[string]core.Deployer{}, map[string]error{}
	for name, a := range cfg.Apps {
		d, err := deployer(dt, name, a.Target, log.With("app", name))
		if err != nil {
			broken[name] = err
			d = unavailable{fmt.Errorf("the %s target of %s is unavailable: %w", a.Target.Kind, name, err)}
		}
		out[name] = d
	}
	return out, broken
}

// unavailable is the deployer of an app whose target could not be built.
type unavailable struct{ err error }

func (u unavailable) Check(context.Context, core.Artifact) error       { return u.err }
func (u unavailable) Deploy(context.Context, core.DeployRequest) error { return u.err }
func (u unavailable) Live(context.Context) (core.Artifact, error)      { return core.Artifact{}, u.err }

func deployer(dt *dingtalk.Client, app string, t configs.Target, log *slog.Logger) (core.Deployer, error) {
	switch {
	case t.MiniApp != nil:
		if dt == nil {
			return nil, fmt.Errorf("a miniapp target needs the dingtalk section")
		}
		return miniapp.New(miniapp.Config{App: app, AgentID: t.MiniApp.AgentID, OpUnionID: t.MiniApp.OpUnionID, Logger: log}, dt)
	case t.Script != nil:
		s := t.Script
		return script.New(script.Config{App: app, Command: s.Command, LiveCommand: s.LiveCommand,
			CheckCommand: s.CheckCommand, Timeout: s.Timeout.Std(), Dir: s.Dir, Logger: log}, nil)
	case t.Kubernetes != nil:
		return kubeDeployer(t.Kubernetes, log)
	case t.OSS != nil:
		o := t.OSS
		c := oss.Config{App: app, Endpoint: o.Endpoint, Region: o.Region, Bucket: o.Bucket, AccessKeyID: o.AccessKeyID,
			AccessKeySecret: oss.Secret(o.AccessKeySecret.Value()), AuthVersion: o.AuthVersion, ManifestKey: o.FixedKey,
			ManifestPattern: o.ManifestPattern, CacheControl: o.CacheControl, ContentType: o.ContentType,
			Timeout: o.Timeout.Std(), Logger: log}
		if o.CDN != nil {
			c.CDN = &oss.CDNConfig{URL: o.CDN.URL, Endpoint: o.CDN.Endpoint, AccessKeyID: o.CDN.AccessKeyID,
				AccessKeySecret: oss.Secret(o.CDN.AccessKeySecret.Value())}
		}
		return oss.Open(c)
	}
	return nil, fmt.Errorf("target kind %s is not available in this build", t.Kind)
}

func kubeDeployer(k *configs.Kubernetes, log *slog.Logger) (core.Deployer, error) {
	c := kubernetes.Config{Namespace: k.Namespace, Timeout: k.RolloutTimeout.Std(), PollInterval: k.PollInterval.Std(),
		NoRevert: !*k.RevertOnFailure, Logger: log}
	for _, d := range k.Deployments {
		c.Workloads = append(c.Workloads, kubernetes.Workload{Deployment: d.Deployment, Container: d.Container})
	}
	if r := k.Registry; r != nil {
		c.Registry = &kubernetes.RegistryConfig{Endpoint: r.URL, Username: r.User, Password: r.Password.Value()}
	}
	cs, err := kubernetes.NewClientset(k.Kubeconfig)
	if err != nil {
		return nil, err
	}
	return kubernetes.New(c, cs)
}

// pipeline builds the Jenkins builder and the git checker releases use.
func pipeline(cfg *configs.Config, log *slog.Logger) (core.Builder, core.SourceControl, error) {
	var b core.Builder
	var src core.SourceControl
	if j := cfg.Jenkins; j != nil {
		jb, err := jenkins.New(jenkins.Config{URL: j.URL, User: j.User, Token: j.Token.Value(), PollInterval: j.Poll.Std(),
			BuildTimeout: j.Timeout.Std(),
			Logger:       log.With("adapter", "jenkins")})
		if err != nil {
			return nil, nil, fmt.Errorf("jenkins: %w", err)
		}
		b = jb
	}
	if g := cfg.Git; g != nil {
		repos := map[string]git.RepoAuth{}
		for _, a := range cfg.Apps {
			for _, c := range g.Credentials {
				if a.Repo != "" && len(a.Repo) >= len(c.Match) && a.Repo[:len(c.Match)] == c.Match {
					repos[a.Repo] = git.RepoAuth{TokenEnv: c.TokenEnv, User: c.User, SSHKeyEnv: c.SSHKeyEnv}
					break
				}
			}
		}
		gc, err := git.New(git.Config{CacheDir: g.MirrorDir, Repos: repos, Timeout: g.Timeout.Std(), Logger: log.With("adapter", "git")})
		if err != nil {
			return nil, nil, fmt.Errorf("git: %w", err)
		}
		src = gc
	}
	return b, src, nil
}

// windowSource is the release windows of every app, with the calendar's
// data range for `config check`.
type windowSource struct {
	*core.AppWindows
	cal  *calendar.Calendar
	apps []string
}

func (w windowSource) Apps() []string      { return w.apps }
func (w windowSource) DataEnds() core.Date { return w.cal.DataEnds() }

func windowsOf(cfg *configs.Config) (cli.WindowSource, error) {
	ws, probs, err := buildWindows(cfg)
	if err != nil {
		return nil, err
	}
	if len(probs) > 0 {
		return nil, fmt.Errorf("%s: %s", probs[0].Path, probs[0].Message)
	}
	return ws, nil
}

// buildWindows compiles the calendar and each window policy; a policy the
// engine refuses becomes a problem at its YAML path.
func buildWindows(cfg *configs.Config) (windowSource, []configs.Problem, error) {
	cc := calendar.Config{}
	for _, f := range cfg.Calendar.Freezes {
		fr := calendar.Freeze{Name: f.Name, From: core.DateOf(f.From.Time)}
		if !f.To.IsZero() {
			fr.To = core.DateOf(f.To.Time)
		}
		cc.Freezes = append(cc.Freezes, fr)
	}
	for _, o := range cfg.Calendar.Overrides {
		cc.Overrides = append(cc.Overrides, calendar.Override{Date: core.DateOf(o.Date.Time), Work: o.Kind == "workday", Name: o.Name})
	}
	cal, err := calendar.New(cc, calendar.LunarGo{})
	if err != nil {
		return windowSource{}, nil, fmt.Errorf("calendar: %w", err)
	}
	policies, apps := map[string]core.WindowPolicy{}, map[string][]string{}
	for name, w := range cfg.Windows {
		p := core.WindowPolicy{Location: w.TimeZone.Name, Days: core.WindowDays(w.Days), OpenOnHolidays: w.OpenOnHolidays,
			OpenWithoutData: w.OpenWithoutData}
		for _, per := range w.Periods {
			p.Periods = append(p.Periods, core.Period{Start: per.Start, Duration: per.Duration.Std()})
		}
		policies[name], apps[name] = p, cfg.WindowApps(w)
	}
	aw, errs := core.NewAppWindows(policies, apps, cal)
	var probs []configs.Problem
	for name, e := range errs {
		probs = append(probs, cfg.Problem("windows."+name, e.Error()))
	}
	all := make([]string, 0, len(cfg.Apps))
	for n := range cfg.Apps {
		all = append(all, n)
	}
	sort.Strings(all)
	return windowSource{AppWindows: aw, cal: cal, apps: all}, probs, nil
}

// check is `config check`'s extra pass: what the engine compiles, plus a
// warning when the holiday data runs out within 90 days.
func check(cfg *configs.Config, now time.Time) ([]configs.Problem, []configs.Problem, []string) {
	ws, probs, err := buildWindows(cfg)
	if err != nil {
		return []configs.Problem{cfg.Problem("calendar", err.Error())}, nil, nil
	}
	dt, err := dingtalkClient(cfg, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		probs = append(probs, cfg.Problem("dingtalk", err.Error()))
	}
	var warns []configs.Problem
	_, broken := deployers(cfg, dt, slog.New(slog.DiscardHandler))
	for app, err := range broken {
		warns = append(warns, cfg.Problem("apps."+app+".target", "cannot be built here: "+err.Error()))
	}
	note, late := cli.HolidayData(cfg, ws.DataEnds(), now, calendar.DataWarnDays)
	return probs, append(warns, late...), []string{note}
}
