// Package configs is dingops's configuration: the YAML schema, its loader
// and validation. It does not import core; bot/system maps a loaded Config to
// the engine's values.
package configs

// Config is a configuration file, decoded and validated.
type Config struct {
	Language      string              `yaml:"language"`  // zh (default) or en
	TimeZone      Zone                `yaml:"time_zone"` // shown in every time; default Asia/Shanghai
	Store         Store               `yaml:"store"`
	Server        Server              `yaml:"server"`
	Worker        Worker              `yaml:"worker"`
	Local         Local               `yaml:"local"`
	DingTalk      *DingTalk           `yaml:"dingtalk"`
	Jenkins       *Jenkins            `yaml:"jenkins"`
	Git           *Git                `yaml:"git"`
	Teams         map[string][]string `yaml:"teams"`
	Chats         map[string]Chat     `yaml:"chats"`
	AppSets       map[string][]string `yaml:"app_sets"`
	Calendar      Calendar            `yaml:"calendar"`
	Windows       map[string]Window   `yaml:"windows"`
	Announcements Announcements       `yaml:"announcements"`
	Apps          map[string]*App     `yaml:"apps"`
	Alerts        AlertIntake         `yaml:"alerts"`
	// Requirements link requirement ids in /branch for every app.
	Requirements []RequirementPattern `yaml:"requirements,omitempty"`

	lines map[string]int // YAML path → line, for problems found later
}

// Store says where state lives.
type Store struct {
	DSN    string `yaml:"dsn"`     // SQLite file path, or postgres://…
	DSNEnv string `yaml:"dsn_env"` // take the DSN from this variable instead (it may hold a password)
}

// Server configures the HTTP listeners of `dingops serve`.
type Server struct {
	OpsAddr           string   `yaml:"ops_addr"` // /healthz, /readyz, /metrics
	WebAddr           string   `yaml:"web_addr"` // dashboard and release-record API
	APITokenEnv       string   `yaml:"api_token_env"`
	APIToken          Secret   `yaml:"-"`
	TrustedUserHeader string   `yaml:"trusted_user_header"` // set by an authenticating reverse proxy
	LogFormat         string   `yaml:"log_format"`          // json (default) or text
	Retention         Duration `yaml:"retention"`           // message and announcement records; default 720h

	// TrustedProxies are the peers (CIDRs or addresses) whose
	// TrustedUserHeader is believed; default loopback only.
	TrustedProxies []string `yaml:"trusted_proxies"`

	// PublicURL is the dashboard as people reach it (https://ops.example.com),
	// for links from cards; empty: no links.
	PublicURL string `yaml:"public_url,omitempty"`
}

// Worker tunes the release worker.
type Worker struct {
	Lease        Duration `yaml:"lease"`         // run-lock lease; default 30s
	Poll         Duration `yaml:"poll"`          // fallback scan interval; default 2s
	Concurrency  int      `yaml:"concurrency"`   // releases at once; default 4
	DrainTimeout Duration `yaml:"drain_timeout"` // on SIGTERM; default 2m
}

// Local configures `dingops chat` and `dingops record`.
type Local struct {
	AllowApprovals bool `yaml:"allow_approvals"` // may /approve and /reject be run from a shell
}

// DingTalk configures the stream connection and the OpenAPI.
type DingTalk struct {
	ClientID        string   `yaml:"client_id"`
	ClientSecretEnv string   `yaml:"client_secret_env"`
	ClientSecret    Secret   `yaml:"-"`
	RobotCode       string   `yaml:"robot_code"`       // default: client_id
	CardTemplateID  string   `yaml:"card_template_id"` // empty: markdown with /approve instructions
	Endpoint        string   `yaml:"endpoint"`         // OpenAPI host[:port]; default api.dingtalk.com
	Protocol        string   `yaml:"protocol"`         // https (default) or http
	StreamHost      string   `yaml:"stream_host"`      // connection-open host URL; default https://api.dingtalk.com
	Timeout         Duration `yaml:"timeout"`          // OpenAPI calls; default 5s
	Handlers        int      `yaml:"handlers"`         // messages worked on at once; default 8
	// SpoolDir keeps messages and clicks the store cannot record until it
	// can (DingTalk pushes each once); one directory per replica, on a
	// persistent volume. Empty: none kept, senders are told to resend.
	SpoolDir string `yaml:"spool_dir,omitempty"`
	SpoolMax int    `yaml:"spool_max,omitempty"` // messages the spool holds; default 10000
}

// Jenkins configures the builder.
type Jenkins struct {
	URL      string   `yaml:"url"`
	User     string   `yaml:"user"`
	TokenEnv string   `yaml:"token_env"`
	Token    Secret   `yaml:"-"`
	Poll     Duration `yaml:"poll"`    // build poll start interval; default 2s
	Timeout  Duration `yaml:"timeout"` // whole build; default 1h
}

// Git configures the branch pre-checks.
type Git struct {
	MirrorDir   string          `yaml:"mirror_dir"` // bare mirrors cached here
	Timeout     Duration        `yaml:"timeout"`    // per git command; default 2m
	Credentials []GitCredential `yaml:"credentials"`
}

// GitCredential is how to reach repositories whose URL starts with Match.
type GitCredential struct {
	Match     string `yaml:"match"`
	User      string `yaml:"user"`        // for token auth; default "oauth2"
	TokenEnv  string `yaml:"token_env"`   // variable holding an HTTPS token
	SSHKeyEnv string `yaml:"ssh_key_env"` // variable holding the path of an SSH key
}

// Chat is a DingTalk conversation the bot serves.
type Chat struct {
	ConversationID string `yaml:"conversation_id"` // openConversationId (cid…)
	Language       string `yaml:"language"`        // overrides the top-level language
}

// Calendar adds company freezes and overrides to the statutory holidays.
type Calendar struct {
	Freezes   []Freeze   `yaml:"freezes"`
	Overrides []Override `yaml:"overrides"`
}

// Freeze is a named range of days when releases are closed.
type Freeze struct {
	Name string `yaml:"name"`
	From Date   `yaml:"from"`
	To   Date   `yaml:"to"` // inclusive; default = from
}

// Override declares one day a working day or a day off.
type Override struct {
	Date Date   `yaml:"date"`
	Kind string `yaml:"kind"` // workday or holiday
	Name string `yaml:"name"`
}

// Window is a named release-window policy for apps and app sets.
type Window struct {
	Apps            []string `yaml:"apps"`
	AppSets         []string `yaml:"app_sets"`
	TimeZone        Zone     `yaml:"time_zone"` // default: the top-level time_zone
	Days            string   `yaml:"days"`      // workdays (default) or all
	Periods         []Period `yaml:"periods"`
	OpenOnHolidays  bool     `yaml:"open_on_holidays"`
	OpenWithoutData bool     `yaml:"open_without_data"` // past the holiday data
}

// Period is one opening: a cron start and how long it stays open.
type Period struct {
	Start    string   `yaml:"start"` // 5-field cron: minute hour day-of-month month day-of-week
	Duration Duration `yaml:"duration"`
}

// Announcements are scheduled posts into chats.
type Announcements struct {
	Grace Duration       `yaml:"grace"` // send a missed one late within this; default 10m
	Posts []Announcement `yaml:"posts"`
}

// Announcement is one kind of post to one chat.
type Announcement struct {
	Chat     string   `yaml:"chat"`
	Kind     string   `yaml:"kind"` // window_open, window_closing, freeze_tomorrow, freeze_over, weekly_digest
	Apps     []string `yaml:"apps"`
	AppSets  []string `yaml:"app_sets"`
	Before   Duration `yaml:"before"`   // window_closing: how long before the close
	Schedule string   `yaml:"schedule"` // cron for freeze_tomorrow, freeze_over and weekly_digest
}

// App is one deployable thing.
type App struct {
	Target        Target   `yaml:"target"`
	Chats         []string `yaml:"chats"`
	ReleaseTeams  []string `yaml:"release_teams"`
	ApproverTeams []string `yaml:"approver_teams"`
	Repo          string   `yaml:"repo"`
	MainBranch    string   `yaml:"main_branch"` // default main
	JenkinsJob    string   `yaml:"jenkins_job"` // folder/job
	Policy        Policy   `yaml:"policy"`
	// Watch, OnAlert, AlertTell and AlertQuiet are the alert-driven
	// recovery of docs/alerts.md.
	Watch      *Watch   `yaml:"watch"`
	OnAlert    string   `yaml:"on_alert"`    // suggest (default), request or auto
	AlertTell  []string `yaml:"alert_tell"`  // teams told when auto rolls back; required for auto
	AlertQuiet bool     `yaml:"alert_quiet"` // post nothing about alerts dingops does not act on
	// ReleaseOptions are what /release takes after the branch; Requirements
	// link requirement ids in /branch, before the global ones.
	ReleaseOptions []ReleaseOption      `yaml:"release_options,omitempty"`
	Requirements   []RequirementPattern `yaml:"requirements,omitempty"`
}

// Policy holds an app's approval rules.
type Policy struct {
	Rollback            *Approval `yaml:"rollback"` // default: 1 approver, not the requester, 30m
	Release             *Approval `yaml:"release"`  // default: none
	Urgent              *Approval `yaml:"urgent"`   // default: 1 approver, not the requester
	RollbackNeedsWindow bool      `yaml:"rollback_needs_window"`
	LockAfterRollback   *bool     `yaml:"lock_after_rollback"`  // default true
	MissingLiveCommits  string    `yaml:"missing_live_commits"` // refuse (default) or warn
}

// Approval is who must approve one kind of request.
type Approval struct {
	Approvals    *int `yaml:"approvals"`
	SelfApproval bool `yaml:"self_approval"`
	// OneClick: an approver's click on a card's Roll back button also
	// approves, when one approval is needed (docs/policy.md).
	OneClick bool     `yaml:"one_click"`
	Expiry   Duration `yaml:"expiry"`
}

// Target is where an app runs: its kind and exactly one section of that
// kind. The fields after Kind are the registry of target kinds: each is a
// section of `target:`, tagged with the kind it configures, and its type
// (a TargetSection, one file per kind: target_*.go) validates, summarises
// and lists its secrets. Adding a kind here is one field; the assembly
// (bot/system/targets.go) builds its deployer.
type Target struct {
	Kind       string      `yaml:"kind"` // container, oss, miniapp or argocd
	Script     *Script     `yaml:"script" kind:"container"`
	Kubernetes *Kubernetes `yaml:"kubernetes" kind:"container"`
	OSS        *OSS        `yaml:"oss" kind:"oss"`
	MiniApp    *MiniApp    `yaml:"miniapp" kind:"miniapp"`
	ArgoCD     *ArgoCD     `yaml:"argocd" kind:"argocd"`
}

// Members lists the staff ids of teams, each once, in the order the teams
// and their members are written.
func (c *Config) Members(teams []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range teams {
		for _, m := range c.Teams[t] {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}
