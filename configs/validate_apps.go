package configs

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

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
	}
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

func (v *validator) target(p string, t *Target) {
	set := 0
	for _, present := range []bool{t.Script != nil, t.Kubernetes != nil, t.OSS != nil, t.MiniApp != nil} {
		if present {
			set++
		}
	}
	switch t.Kind {
	case "container":
		if (t.Script == nil) == (t.Kubernetes == nil) || set != 1 {
			v.bad(p, "a container target needs exactly one of script: or kubernetes:")
		}
	case "oss":
		if t.OSS == nil || set != 1 {
			v.bad(p, "an oss target needs an oss: section and no other")
		}
	case "miniapp":
		if t.MiniApp == nil || set != 1 {
			v.bad(p, "a miniapp target needs a miniapp: section and no other")
		}
	default:
		v.bad(p+".kind", "must be one of container, oss, miniapp, got %q", t.Kind)
	}
	v.script(p+".script", t.Script)
	v.kubernetes(p+".kubernetes", t.Kubernetes)
	v.oss(p+".oss", t.OSS)
	v.miniapp(p+".miniapp", t.MiniApp)
}

func (v *validator) script(p string, s *Script) {
	if s == nil {
		return
	}
	if len(s.Command) == 0 || strings.TrimSpace(s.Command[0]) == "" {
		v.bad(p+".command", "is required: the program and arguments that deploy $DINGOPS_ARTIFACT")
	}
	for i, k := range s.Env {
		if !envName.MatchString(k) {
			v.bad(fmt.Sprintf("%s.env[%d]", p, i), "must be an environment variable name, got %q", k)
		}
	}
	setDur(&s.Timeout, 10*time.Minute)
}

func (v *validator) kubernetes(p string, k *Kubernetes) {
	if k == nil {
		return
	}
	if k.Namespace == "" {
		v.bad(p+".namespace", "is required")
	}
	if len(k.Deployments) == 0 {
		v.bad(p+".deployments", "is required: at least one deployment and container")
	}
	for i, d := range k.Deployments {
		if d.Deployment == "" || d.Container == "" {
			v.bad(fmt.Sprintf("%s.deployments[%d]", p, i), "needs both deployment and container")
		}
	}
	setDur(&k.RolloutTimeout, 10*time.Minute)
	setDur(&k.PollInterval, 2*time.Second)
	if k.PollInterval < Duration(100*time.Millisecond) || k.PollInterval >= k.RolloutTimeout {
		v.bad(p+".poll_interval", "must be at least 100ms and shorter than rollout_timeout (%s), got %s",
			k.RolloutTimeout.Std(), k.PollInterval.Std())
	}
	if k.RevertOnFailure == nil {
		t := true
		k.RevertOnFailure = &t
	}
	if r := k.Registry; r != nil {
		v.httpURL(p+".registry.url", r.URL)
		r.Password = v.secret(p+".registry.password_env", r.PasswordEnv, false)
	}
}

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

func (v *validator) oss(p string, o *OSS) {
	if o == nil {
		return
	}
	if o.Endpoint == "" {
		v.bad(p+".endpoint", "is required (e.g. https://oss-cn-hangzhou.aliyuncs.com)")
	}
	if !bucketName.MatchString(o.Bucket) {
		v.bad(p+".bucket", "must be 3-63 lower-case letters, digits or -, got %q", o.Bucket)
	}
	if o.AccessKeyID == "" {
		v.bad(p+".access_key_id", "is required")
	}
	o.AccessKeySecret = v.secret(p+".access_key_secret_env", o.AccessKeySecEnv, true)
	o.AuthVersion = def(o.AuthVersion, "v4")
	if v.oneOf(p+".auth_version", o.AuthVersion, "v4", "v1") && o.AuthVersion == "v4" && o.Region == "" {
		v.bad(p+".region", "is required with auth_version v4 (e.g. cn-hangzhou)")
	}
	if o.FixedKey == "" {
		v.bad(p+".fixed_key", "is required: the manifest key the HTML loads, e.g. web/manifest.json")
	}
	if !strings.Contains(o.ManifestPattern, "*") {
		v.bad(p+".manifest_pattern", "must contain * where the release hash goes, e.g. web/manifest.*.json, got %q", o.ManifestPattern)
	}
	o.CacheControl = def(o.CacheControl, "no-cache")
	o.ContentType = def(o.ContentType, "application/json")
	setDur(&o.Timeout, 10*time.Second)
	if c := o.CDN; c != nil {
		v.httpURL(p+".cdn.url", c.URL)
		c.Endpoint = def(c.Endpoint, "cdn.aliyuncs.com")
		c.AccessKeyID = def(c.AccessKeyID, o.AccessKeyID)
		c.AccessKeySecEnv = def(c.AccessKeySecEnv, o.AccessKeySecEnv)
		c.AccessKeySecret = v.secret(p+".cdn.access_key_secret_env", c.AccessKeySecEnv, true)
	}
}

func (v *validator) miniapp(p string, m *MiniApp) {
	if m == nil {
		return
	}
	if m.AgentID == "" {
		v.bad(p+".agent_id", "is required (the mini program's agentId)")
	}
	if m.OpUnionID == "" {
		v.bad(p+".op_union_id", "is required: the unionId of an admin with app-management rights")
	}
	if v.cfg.DingTalk == nil {
		v.bad(p, "a miniapp target needs the dingtalk: section (its OpenAPI credentials)")
	}
}
