package playground_test

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/dingops/dingops/adapters/calendar"
	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/git"
	"github.com/dingops/dingops/adapters/jenkins"
	"github.com/dingops/dingops/adapters/miniapp"
	"github.com/dingops/dingops/adapters/oss"
	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/bot/announce"
	"github.com/dingops/dingops/bot/cli"
	"github.com/dingops/dingops/bot/stream"
	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// assemble is main.go's assemble, for the parts playground.yaml uses (an
// OSS, a Kubernetes and a mini-program target, Jenkins, git, windows,
// announcements, the stream transport and the web listener), since main
// cannot be imported. Keep it in step with main.go: the playground's own
// wiring is what these tests check, not this file.
func assemble(ctx context.Context, cfg *configs.Config, o cli.Options) (*cli.System, error) {
	log := o.Logger
	aw, cal, err := windows(cfg)
	if err != nil {
		return nil, err
	}
	d := cfg.DingTalk
	dt, err := dingtalk.New(dingtalk.Config{ClientID: d.ClientID, ClientSecret: dingtalk.Secret(d.ClientSecret.Value()),
		RobotCode: d.RobotCode, Endpoint: d.Endpoint, Protocol: d.Protocol, ReadTimeout: d.Timeout.Std(),
		StreamHost: d.StreamHost, Logger: log})
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, cfg.Store.DSN, store.Options{Clock: clock{}, Logger: log})
	if err != nil {
		return nil, err
	}
	sys := &cli.System{Config: cfg, Store: s, Close: func() { _ = s.Close() }}
	if err := engineAndBot(sys, cfg, dt, aw, log); err != nil {
		sys.Close()
		return nil, err
	}
	if err := services(sys, cfg, dt, aw, cal, log); err != nil {
		sys.Close()
		return nil, err
	}
	return sys, nil
}

// clock runs at the speed of real time from a fixed working-day morning,
// Tuesday 2026-11-24 11:00 in Shanghai, so no test depends on the hour it
// runs at: api's window (10:00–18:00) is open and its announcements are
// hours away. (Run at 17:49 on the wall clock, the closing-soon post fell
// due at start and the group was no longer empty.)
type clock struct{}

var (
	realStart = time.Now()
	fakeStart = time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) // 11:00 in Asia/Shanghai
)

func (clock) Now() time.Time { return fakeStart.Add(time.Since(realStart)) }

func windows(cfg *configs.Config) (*core.AppWindows, *calendar.Calendar, error) {
	cal, err := calendar.New(calendar.Config{}, calendar.LunarGo{})
	if err != nil {
		return nil, nil, err
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
	for name, e := range errs {
		return nil, nil, fmt.Errorf("window %s: %w", name, e)
	}
	return aw, cal, nil
}

func engineAndBot(sys *cli.System, cfg *configs.Config, dt *dingtalk.Client, aw *core.AppWindows, log *slog.Logger) error {
	deps := map[string]core.Deployer{}
	for name, a := range cfg.Apps {
		d, err := deployer(dt, name, a.Target, log)
		if err != nil {
			return fmt.Errorf("app %s: %w", name, err)
		}
		deps[name] = d
	}
	j := cfg.Jenkins
	builder, err := jenkins.New(jenkins.Config{URL: j.URL, User: j.User, Token: j.Token.Value(), PollInterval: j.Poll.Std(),
		BuildTimeout: j.Timeout.Std(), Logger: log})
	if err != nil {
		return err
	}
	src, err := git.New(git.Config{CacheDir: cfg.Git.MirrorDir, Repos: map[string]git.RepoAuth{}, Timeout: cfg.Git.Timeout.Std(), Logger: log})
	if err != nil {
		return err
	}
	sys.Engine, err = core.NewEngine(core.Config{Apps: coreApps(cfg), Releases: sys.Store, Locks: sys.Store, Audit: sys.Store,
		Deployers: deps, Clock: clock{}, Logger: log, Gate: aw.Gate, Builder: builder, Source: src})
	if err != nil {
		return err
	}
	chats := map[string]string{}
	for _, c := range cfg.Chats {
		chats[c.ConversationID] = c.Language
	}
	sys.Bot, err = bot.New(bot.Config{Engine: sys.Engine, Releaser: sys.Engine, Windows: aw, Language: cfg.Language,
		Chats: chats, Zone: cfg.Zone(), Clock: clock{}, Logger: log})
	return err
}

func deployer(dt *dingtalk.Client, app string, t configs.Target, log *slog.Logger) (core.Deployer, error) {
	switch {
	case t.MiniApp != nil:
		return miniapp.New(miniapp.Config{App: app, AgentID: t.MiniApp.AgentID, OpUnionID: t.MiniApp.OpUnionID, Logger: log}, dt)
	case t.Kubernetes != nil:
		k := t.Kubernetes
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
	case t.OSS != nil:
		o := t.OSS
		return oss.Open(oss.Config{App: app, Endpoint: o.Endpoint, Region: o.Region, Bucket: o.Bucket, AccessKeyID: o.AccessKeyID,
			AccessKeySecret: oss.Secret(o.AccessKeySecret.Value()), AuthVersion: o.AuthVersion, ManifestKey: o.FixedKey,
			ManifestPattern: o.ManifestPattern, CacheControl: o.CacheControl, ContentType: o.ContentType,
			Timeout: o.Timeout.Std(), Logger: log})
	}
	return nil, fmt.Errorf("target kind %s is not wired in the test assembler", t.Kind)
}

func coreApps(cfg *configs.Config) []*core.App {
	names := make([]string, 0, len(cfg.Apps))
	for n := range cfg.Apps {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []*core.App
	for _, n := range names {
		a := cfg.Apps[n]
		p := a.Policy
		ap := func(x *configs.Approval) core.ApprovalPolicy {
			return core.ApprovalPolicy{Approvals: *x.Approvals, SelfApproval: x.SelfApproval, Expiry: x.Expiry.Std()}
		}
		app := &core.App{Name: n, Target: core.TargetKind(a.Target.Kind), ReleaseTeams: a.ReleaseTeams,
			ApproverTeams: a.ApproverTeams, Releasers: members(cfg, a.ReleaseTeams), Approvers: members(cfg, a.ApproverTeams),
			Repo: a.Repo, MainBranch: a.MainBranch, Job: a.JenkinsJob, Policy: core.Policy{Rollback: ap(p.Rollback),
				Release: ap(p.Release), Urgent: ap(p.Urgent), RollbackNeedsWindow: p.RollbackNeedsWindow,
				LockAfterRollback: *p.LockAfterRollback, WarnMissingLive: p.MissingLiveCommits == "warn"}}
		for _, c := range a.Chats {
			app.Chats = append(app.Chats, cfg.Chats[c].ConversationID)
		}
		out = append(out, app)
	}
	return out
}

func members(cfg *configs.Config, teams []string) []string {
	var out []string
	for _, t := range teams {
		out = append(out, cfg.Teams[t]...)
	}
	return out
}

// services are the stream transport, announcements and the web listener.
func services(sys *cli.System, cfg *configs.Config, dt *dingtalk.Client, aw *core.AppWindows, cal *calendar.Calendar, log *slog.Logger) error {
	tr, err := stream.New(stream.Config{Bot: sys.Bot, API: dt, Store: sys.Store, CardTemplateID: cfg.DingTalk.CardTemplateID,
		Handlers: cfg.DingTalk.Handlers, Clock: clock{}, Logger: log})
	if err != nil {
		return err
	}
	sys.Engine.SetNotifier(tr.Notifier())
	ann, err := announce.New(announce.Config{Posts: announce.PostsFromConfig(cfg), Windows: aw, Calendar: cal,
		Releases: sys.Store, Guard: sys.Store, Sender: dt, Zone: cfg.Zone(), Grace: cfg.Announcements.Grace.Std(),
		Clock: clock{}, Logger: log})
	if err != nil {
		return err
	}
	w, err := web.New(web.Config{Addr: cfg.Server.WebAddr, Engine: sys.Engine, Records: sys.Store, Texts: sys.Bot,
		Windows: aw, Language: cfg.Language, Zone: cfg.Zone(), Clock: clock{}, Logger: log})
	if err != nil {
		return err
	}
	if err := w.Listen(); err != nil {
		return err
	}
	sys.Services = append(sys.Services, tr, ann, w)
	return nil
}
