package configs

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // mustZone and every time_zone load without the host's zoneinfo (a scratch image)

	"github.com/dingops/dingops/core/levenshtein"
)

// validator applies defaults and checks a decoded Config, adding every
// problem it finds.
type validator struct {
	cfg    *Config
	probs  *Problems
	lines  map[string]int
	getenv Getenv
	// checking is `config check`: an unset variable of a required secret is
	// an error (the component cannot work), not a warning.
	checking bool
}

func (v *validator) bad(path, format string, args ...any) {
	v.probs.add(path, v.line(path), fmt.Sprintf(format, args...))
}

func (v *validator) warn(path, format string, args ...any) {
	v.probs.warn(path, v.line(path), fmt.Sprintf(format, args...))
}

// line finds the line of path, or of its nearest ancestor that was written.
func (v *validator) line(path string) int {
	for p := path; p != ""; {
		if l, ok := v.lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 1
}

func (v *validator) run() {
	v.top()
	v.dingtalk()
	v.jenkins()
	v.git()
	v.teamsAndChats()
	v.apps()
	v.appSets()
	v.calendar()
	v.windows()
	v.announcements()
	v.crossChecks()
}

func (v *validator) top() {
	c := v.cfg
	c.Language = v.language("language", c.Language)
	if c.TimeZone.Loc == nil {
		c.TimeZone = mustZone("Asia/Shanghai")
	}
	if c.Store.DSNEnv != "" {
		if dsn := v.getenv(c.Store.DSNEnv); dsn != "" {
			c.Store.DSN = dsn
		} else if c.Store.DSN == "" {
			v.bad("store.dsn_env", "environment variable %s is empty and store.dsn is not set", c.Store.DSNEnv)
		}
	}
	if c.Store.DSN == "" {
		c.Store.DSN = "dingops.db"
	}
	s := &c.Server
	s.OpsAddr = def(s.OpsAddr, "127.0.0.1:9090")
	s.WebAddr = def(s.WebAddr, "127.0.0.1:8080")
	s.LogFormat = def(s.LogFormat, "json")
	v.oneOf("server.log_format", s.LogFormat, "json", "text")
	s.APIToken = v.secret("server.api_token_env", s.APITokenEnv, false)
	v.trustedProxies(s)
	setDur(&s.Retention, 720*time.Hour)
	if u, err := url.Parse(s.PublicURL); s.PublicURL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
		v.bad("server.public_url", "must be an absolute http(s) URL such as https://ops.example.com, got %q", s.PublicURL)
	}
	w := &c.Worker
	setDur(&w.Lease, 30*time.Second)
	setDur(&w.Poll, 2*time.Second)
	setDur(&w.DrainTimeout, 2*time.Minute)
	if w.Concurrency == 0 {
		w.Concurrency = 4
	}
	if w.Concurrency < 1 || w.Concurrency > 64 {
		v.bad("worker.concurrency", "must be between 1 and 64, got %d", w.Concurrency)
	}
	if w.Lease.Std() < time.Second {
		v.bad("worker.lease", "must be at least 1s, got %s", w.Lease.Std())
	}
}

func (v *validator) language(path, l string) string {
	if l == "" {
		return "zh"
	}
	v.oneOf(path, l, "zh", "en")
	return l
}

func (v *validator) oneOf(path, got string, allowed ...string) bool {
	for _, a := range allowed {
		if got == a {
			return true
		}
	}
	v.bad(path, "must be one of %s, got %q", strings.Join(allowed, ", "), got)
	return false
}

// secret resolves a secret from the variable env names. A variable that is
// empty is a warning here (the component that needs it fails at start,
// and commands that do not use it still work); `config check` makes it an
// error for a required secret, without which its component cannot work.
func (v *validator) secret(path, env string, required bool) Secret {
	if env == "" {
		if required {
			v.bad(path, "is required: name the environment variable that holds the secret")
		}
		return Secret{}
	}
	if !envName.MatchString(env) {
		v.bad(path, "%q is not an environment variable name (write e.g. DINGOPS_SECRET)", env)
		return Secret{}
	}
	s := Secret{Env: env, value: v.getenv(env)}
	switch {
	case s.Set():
	case required && v.checking:
		v.bad(path, "environment variable %s is not set: %s cannot work without it", env, component(path))
	default:
		v.warn(path, "environment variable %s is not set", env)
	}
	if !s.Set() && v.checking {
		// Reported once, here: the later stages of `config check` build
		// the component with a stand-in, to find its other problems.
		s.value = checkPlaceholder
	}
	return s
}

// checkPlaceholder stands in for an unset secret during `config check`.
const checkPlaceholder = "unset-during-config-check"

// component names what a secret at path belongs to: its section, or the app.
func component(path string) string {
	parts := strings.SplitN(path, ".", 3)
	switch parts[0] {
	case "apps":
		if len(parts) > 1 {
			return "app " + parts[1]
		}
	case "dingtalk":
		return "DingTalk"
	case "jenkins":
		return "Jenkins"
	}
	return parts[0]
}

var (
	envName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	nameRule = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
)

func (v *validator) name(path, kind, n string) {
	if !nameRule.MatchString(n) {
		v.bad(path, "%s name %q must be lower-case letters, digits, - or _ (at most 63)", kind, n)
	}
}

func (v *validator) dingtalk() {
	d := v.cfg.DingTalk
	if d == nil {
		return
	}
	if d.ClientID == "" {
		v.bad("dingtalk.client_id", "is required (the app's AppKey / Client ID)")
	}
	d.ClientSecret = v.secret("dingtalk.client_secret_env", d.ClientSecretEnv, true)
	d.RobotCode = def(d.RobotCode, d.ClientID)
	d.Endpoint = def(d.Endpoint, "api.dingtalk.com")
	if strings.Contains(d.Endpoint, "/") {
		v.bad("dingtalk.endpoint", "must be a bare host[:port] without scheme or path, got %q", d.Endpoint)
	}
	d.Protocol = def(d.Protocol, "https")
	v.oneOf("dingtalk.protocol", d.Protocol, "https", "http")
	d.StreamHost = def(d.StreamHost, "https://api.dingtalk.com")
	if u, err := url.Parse(d.StreamHost); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		strings.HasSuffix(d.StreamHost, "/") {
		v.bad("dingtalk.stream_host", "must be a URL like https://api.dingtalk.com with no trailing slash, got %q", d.StreamHost)
	}
	setDur(&d.Timeout, 5*time.Second)
	if d.Handlers == 0 {
		d.Handlers = 8
	}
	if d.Handlers < 1 || d.Handlers > 256 {
		v.bad("dingtalk.handlers", "must be between 1 and 256, got %d", d.Handlers)
	}
	if d.SpoolMax < 0 {
		v.bad("dingtalk.spool_max", "must not be negative, got %d", d.SpoolMax)
	}
}

func (v *validator) jenkins() {
	j := v.cfg.Jenkins
	if j == nil {
		return
	}
	v.httpURL("jenkins.url", j.URL)
	if j.User == "" {
		v.bad("jenkins.user", "is required (the user whose API token is used)")
	}
	j.Token = v.secret("jenkins.token_env", j.TokenEnv, true)
	setDur(&j.Poll, 2*time.Second)
	setDur(&j.Timeout, time.Hour)
}

func (v *validator) httpURL(path, s string) {
	u, err := url.Parse(s)
	if s == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.bad(path, "must be an http(s) URL, got %q", s)
	}
}

func (v *validator) git() {
	g := v.cfg.Git
	if g == nil {
		return
	}
	g.MirrorDir = def(g.MirrorDir, "mirrors")
	setDur(&g.Timeout, 2*time.Minute)
	for i, c := range g.Credentials {
		p := fmt.Sprintf("git.credentials[%d]", i)
		if c.Match == "" {
			v.bad(p+".match", "is required (the start of the repository URLs it applies to)")
		}
		if (c.TokenEnv == "") == (c.SSHKeyEnv == "") {
			v.bad(p, "needs exactly one of token_env and ssh_key_env")
		}
		for _, env := range []struct{ path, name string }{{p + ".token_env", c.TokenEnv}, {p + ".ssh_key_env", c.SSHKeyEnv}} {
			if env.name != "" {
				v.secret(env.path, env.name, false)
			}
		}
	}
}

func (v *validator) teamsAndChats() {
	for _, name := range sortedKeys(v.cfg.Teams) {
		p := "teams." + name
		v.name(p, "team", name)
		if len(v.cfg.Teams[name]) == 0 {
			v.bad(p, "has no members")
		}
		for i, m := range v.cfg.Teams[name] {
			if strings.TrimSpace(m) == "" {
				v.bad(fmt.Sprintf("%s[%d]", p, i), "is empty: give the member's DingTalk staff id (/whoami shows it)")
			}
		}
	}
	for _, name := range sortedKeys(v.cfg.Chats) {
		c := v.cfg.Chats[name]
		p := "chats." + name
		v.name(p, "chat", name)
		if c.ConversationID == "" {
			v.bad(p+".conversation_id", "is required (the group's openConversationId; /whoami in the group shows it)")
		}
		if c.Language != "" {
			v.oneOf(p+".language", c.Language, "zh", "en")
		}
	}
}

func (v *validator) appSets() {
	for _, name := range sortedKeys(v.cfg.AppSets) {
		v.name("app_sets."+name, "app set", name)
		for i, a := range v.cfg.AppSets[name] {
			v.refApp(fmt.Sprintf("app_sets.%s[%d]", name, i), a)
		}
	}
}

func (v *validator) refApp(path, name string) {
	if _, ok := v.cfg.Apps[name]; !ok {
		v.bad(path, "names app %q, which is not defined%s", name, closest(name, sortedKeys(v.cfg.Apps)))
	}
}

func (v *validator) refs(path string, names []string, known map[string]bool, what string) {
	for i, n := range names {
		if !known[n] {
			keys := make([]string, 0, len(known))
			for k := range known {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			v.bad(fmt.Sprintf("%s[%d]", path, i), "names %s %q, which is not defined%s", what, n, closest(n, keys))
		}
	}
}

func closest(n string, names []string) string {
	best, dist := "", 3
	for _, k := range names {
		if d := levenshtein.Distance(n, k); d < dist {
			best, dist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

func def(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func setDur(d *Duration, def time.Duration) {
	if *d == 0 {
		*d = Duration(def)
	}
}

func mustZone(name string) Zone {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cannot happen: this package links time/tzdata
	}
	return Zone{Name: name, Loc: loc}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func keySet[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}
