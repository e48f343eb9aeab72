// Package configs is dingops's configuration: the YAML schema, its loader
// and validation. It does not import core; main.go maps a loaded Config to
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
	Approvals    *int     `yaml:"approvals"`
	SelfApproval bool     `yaml:"self_approval"`
	Expiry       Duration `yaml:"expiry"`
}

// Target is where an app runs: exactly one of its kind's sections is set.
type Target struct {
	Kind       string      `yaml:"kind"` // container, oss or miniapp
	Script     *Script     `yaml:"script"`
	Kubernetes *Kubernetes `yaml:"kubernetes"`
	OSS        *OSS        `yaml:"oss"`
	MiniApp    *MiniApp    `yaml:"miniapp"`
}

// Script deploys a container image with an operator's own command.
type Script struct {
	Command      []string `yaml:"command"`       // argv; DINGOPS_* variables in its environment
	LiveCommand  []string `yaml:"live_command"`  // prints the live image; optional
	CheckCommand []string `yaml:"check_command"` // exits 0 when $DINGOPS_ARTIFACT can be deployed; optional
	Timeout      Duration `yaml:"timeout"`       // default 10m
	Dir          string   `yaml:"dir"`
	// Env names the variables of dingops's environment the commands get,
	// besides PATH, HOME and the like and the DINGOPS_* release variables;
	// nothing else passes (dingops's environment holds its secrets).
	Env []string `yaml:"env"`
}

// Kubernetes deploys a container image to Deployments.
type Kubernetes struct {
	Kubeconfig      string         `yaml:"kubeconfig"` // empty: in-cluster
	Namespace       string         `yaml:"namespace"`
	Deployments     []KubeTarget   `yaml:"deployments"`
	RolloutTimeout  Duration       `yaml:"rollout_timeout"`   // default 10m
	PollInterval    Duration       `yaml:"poll_interval"`     // between rollout status reads; default 2s
	RevertOnFailure *bool          `yaml:"revert_on_failure"` // default true
	Registry        *RegistryCheck `yaml:"registry"`
}

// KubeTarget is one Deployment and container set to the release's image.
type KubeTarget struct {
	Deployment string `yaml:"deployment"`
	Container  string `yaml:"container"`
}

// RegistryCheck lets Check ask the registry whether an image exists.
type RegistryCheck struct {
	URL         string `yaml:"url"`
	User        string `yaml:"user"`
	PasswordEnv string `yaml:"password_env"`
	Password    Secret `yaml:"-"`
}

// OSS switches a static front-end's fixed manifest key.
type OSS struct {
	Endpoint        string   `yaml:"endpoint"`
	Region          string   `yaml:"region"`
	Bucket          string   `yaml:"bucket"`
	AccessKeyID     string   `yaml:"access_key_id"`
	AccessKeySecEnv string   `yaml:"access_key_secret_env"`
	AccessKeySecret Secret   `yaml:"-"`
	AuthVersion     string   `yaml:"auth_version"` // v4 (default) or v1
	FixedKey        string   `yaml:"fixed_key"`    // e.g. web/manifest.json
	ManifestPattern string   `yaml:"manifest_pattern"`
	CacheControl    string   `yaml:"cache_control"` // default no-cache
	ContentType     string   `yaml:"content_type"`  // default application/json
	Timeout         Duration `yaml:"timeout"`       // default 10s
	CDN             *CDN     `yaml:"cdn"`
}

// CDN refreshes the fixed key's URL after a switch.
type CDN struct {
	URL             string `yaml:"url"` // public URL of the fixed key
	Endpoint        string `yaml:"endpoint"`
	AccessKeyID     string `yaml:"access_key_id"`
	AccessKeySecEnv string `yaml:"access_key_secret_env"`
	AccessKeySecret Secret `yaml:"-"`
}

// MiniApp rolls a DingTalk enterprise mini program to a version.
type MiniApp struct {
	AgentID   string `yaml:"agent_id"`
	OpUnionID string `yaml:"op_union_id"` // unionId of an admin with app-management rights
}
