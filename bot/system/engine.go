package system

import (
	"sort"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/bot/alerts"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
)

// engineAndBot builds the engine over the store and every app's target,
// and the bot over the engine.
func (p *parts) engineAndBot(sys *System, dt *dingtalk.Client) error {
	cfg, s, m := p.cfg, sys.Store, p.metrics
	deps, broken := deployers(cfg, dt, p.opts.Tuning, p.log)
	for app, err := range broken {
		p.log.Error("target unavailable: requests for this app are refused until it is fixed", "app", app, "err", err)
	}
	ecfg := core.Config{Apps: coreApps(cfg), Releases: s, Locks: s, Audit: s, Alerts: s, Deployers: deps, Clock: p.clock,
		Logger: p.log, Gate: p.windows.Gate, Notifier: p.opts.Notifier, Redactor: p.red}
	bcfg := bot.Config{Windows: p.windows, Language: cfg.Language, Chats: map[string]string{}, Zone: cfg.Zone(),
		Local: p.opts.Local, AllowLocalApprovals: cfg.Local.AllowApprovals, Clock: p.clock, Logger: p.log,
		PublicURL: cfg.Server.PublicURL, Redactor: p.red}
	if m != nil {
		ecfg.Releases, ecfg.Locks, bcfg.Observer = m.Releases(s), m.Locks(s), m
		ecfg.Observe = m.UserVisible()
	}
	var err error
	if ecfg.Builder, ecfg.Source, err = pipeline(cfg, p.opts.Tuning, p.log); err != nil {
		return err
	}
	if cut, ok := ecfg.Source.(core.BranchCutter); ok { // the git mirror also cuts /branch
		ecfg.Cutter, ecfg.Branches = cut, s
	}
	if sys.Engine, err = core.NewEngine(ecfg); err != nil {
		return err
	}
	bcfg.Buttons, bcfg.ChatNames = cfg.DingTalk != nil && cfg.DingTalk.CardTemplateID != "", map[string]string{}
	for name, c := range cfg.Chats {
		bcfg.Chats[c.ConversationID] = c.Language
		bcfg.ChatNames[c.ConversationID] = name
	}
	bcfg.Engine, bcfg.Alerts = sys.Engine, sys.Engine
	bcfg.Brancher = sys.Engine
	if bl, ok := ecfg.Builder.(bot.BuildLinker); ok { // Jenkins: "#42" linked on the card
		bcfg.Builds = bl
	}
	sys.Bot, err = bot.New(bcfg)
	return err
}

// coreApps maps configured apps to the engine's, with teams resolved.
func coreApps(cfg *configs.Config) []*core.App {
	out := make([]*core.App, 0, len(cfg.Apps))
	settings := alerts.FromConfig(cfg).Settings
	for _, n := range sortedKeys(cfg.Apps) {
		a := cfg.Apps[n]
		app := &core.App{Name: n, Target: core.TargetKind(a.Target.ArtifactKind()), ReleaseTeams: a.ReleaseTeams,
			ApproverTeams: a.ApproverTeams, Releasers: cfg.Members(a.ReleaseTeams), Approvers: cfg.Members(a.ApproverTeams),
			Repo: a.Repo, MainBranch: a.MainBranch, Job: a.JenkinsJob, Policy: policy(a.Policy), Alerts: settings[n]}
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
		app.Options, app.Requirements = releaseOptions(a), requirementPatterns(a.Requirements, cfg.Requirements)
		out = append(out, app)
	}
	return out
}

func policy(p configs.Policy) core.Policy {
	ap := func(a *configs.Approval) core.ApprovalPolicy {
		return core.ApprovalPolicy{Approvals: *a.Approvals, SelfApproval: a.SelfApproval, OneClick: a.OneClick, Expiry: a.Expiry.Std()}
	}
	return core.Policy{Rollback: ap(p.Rollback), Release: ap(p.Release), Urgent: ap(p.Urgent),
		RollbackNeedsWindow: p.RollbackNeedsWindow, LockAfterRollback: *p.LockAfterRollback,
		WarnMissingLive: p.MissingLiveCommits == "warn"}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
