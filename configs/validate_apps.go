package configs

import "time"

func (v *validator) apps() {
	if len(v.cfg.Apps) == 0 {
		v.bad("apps", "no apps are defined: add at least one under apps:")
	}
	teams, chats := keySet(v.cfg.Teams), keySet(v.cfg.Chats)
	for _, name := range sortedKeys(v.cfg.Apps) {
		a := v.cfg.Apps[name]
		p := "apps." + name
		v.name(p, "app", name)
		if a == nil {
			v.bad(p, "is empty: give at least target, chats and teams")
			continue
		}
		if len(a.Chats) == 0 {
			v.bad(p+".chats", "is required: the chats whose members use this app (its cards go there)")
		}
		v.refs(p+".chats", a.Chats, chats, "chat")
		if len(a.ReleaseTeams) == 0 && len(a.ApproverTeams) == 0 {
			v.bad(p+".release_teams", "is required: nobody could request a release or rollback")
		}
		v.refs(p+".release_teams", a.ReleaseTeams, teams, "team")
		v.refs(p+".approver_teams", a.ApproverTeams, teams, "team")
		v.target(p+".target", &a.Target)
		v.policy(p, a)
		v.source(p, a)
		v.alerting(p, a)
		v.releaseOptions(p, a)
		v.requirementPatterns(p+".requirements", a.Requirements)
	}
	v.requirementPatterns("requirements", v.cfg.Requirements)
}

func (v *validator) source(p string, a *App) {
	if a.JenkinsJob != "" && a.Repo == "" {
		v.bad(p+".repo", "is required when jenkins_job is set (releases build a branch of it)")
	}
	if a.Repo == "" {
		return
	}
	a.MainBranch = def(a.MainBranch, "main")
	if a.JenkinsJob == "" {
		v.bad(p+".jenkins_job", "is required when repo is set (the job that builds a release)")
	}
	if v.cfg.Jenkins == nil && a.JenkinsJob != "" {
		v.bad(p+".jenkins_job", "needs a jenkins: section")
	}
	if v.cfg.Git == nil {
		v.cfg.Git = &Git{}
		v.git()
	}
}

func (v *validator) policy(p string, a *App) {
	pol := &a.Policy
	pol.Rollback = v.approval(p+".policy.rollback", pol.Rollback, 1)
	pol.Release = v.approval(p+".policy.release", pol.Release, 0)
	pol.Urgent = v.approval(p+".policy.urgent", pol.Urgent, 1)
	if pol.LockAfterRollback == nil {
		t := true
		pol.LockAfterRollback = &t
	}
	pol.MissingLiveCommits = def(pol.MissingLiveCommits, "refuse")
	v.oneOf(p+".policy.missing_live_commits", pol.MissingLiveCommits, "refuse", "warn")
	approvers := map[string]bool{}
	for _, t := range a.ApproverTeams {
		for _, m := range v.cfg.Teams[t] {
			approvers[m] = true
		}
	}
	for _, k := range []struct {
		path string
		a    *Approval
	}{{"rollback", pol.Rollback}, {"release", pol.Release}, {"urgent", pol.Urgent}} {
		if n := *k.a.Approvals; n > len(approvers) {
			v.bad(p+".policy."+k.path+".approvals", "needs %d approver(s) but approver_teams have %d member(s)", n, len(approvers))
		}
	}
}

func (v *validator) approval(p string, a *Approval, defaultN int) *Approval {
	if a == nil {
		a = &Approval{}
	}
	if a.Approvals == nil {
		n := defaultN
		a.Approvals = &n
	}
	if *a.Approvals < 0 || *a.Approvals > 10 {
		v.bad(p+".approvals", "must be between 0 and 10, got %d", *a.Approvals)
	}
	setDur(&a.Expiry, 30*time.Minute)
	if a.Expiry.Std() < time.Minute || a.Expiry.Std() > 7*24*time.Hour {
		v.bad(p+".expiry", "must be between 1m and 168h, got %s", a.Expiry.Std())
	}
	return a
}
