// Package jenkins is the core.Builder over Jenkins' remote access API.
//
// It is a small net/http client rather than gojenkins, whose trigger
// silently skips builds, loops forever on cancelled queue items and ignores
// contexts (docs/targets.md §4.7). A build is triggered with
// buildWithParameters and tagged with the DINGOPS_RELEASE_ID parameter, so a
// restarted worker finds it again in the queue or among the job's recent
// builds instead of triggering a second one. The job must declare the
// DINGOPS_* parameters: Jenkins drops parameters a job does not declare.
package jenkins

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dingops/dingops/core"
)

// Kind names this builder in the configuration.
const Kind = "jenkins"

// Parameters every build is triggered with; the job must declare them.
const (
	ParamApp       = "DINGOPS_APP"
	ParamBranch    = "DINGOPS_BRANCH"
	ParamCommit    = "DINGOPS_COMMIT"
	ParamVersion   = "DINGOPS_VERSION"
	ParamRequester = "DINGOPS_REQUESTER"
	ParamReleaseID = "DINGOPS_RELEASE_ID"
)

// DefaultArtifactName is the file a build archives to say what it produced.
const DefaultArtifactName = "dingops-artifact.json"

// Config configures a Builder; zero values take the defaults given.
type Config struct {
	// URL is the Jenkins root URL, e.g. https://ci.example.com/jenkins.
	URL string
	// User is the Jenkins user the builder acts as.
	User string
	// Token is User's API token. It is sent only in the Authorization
	// header; String and LogValue redact it.
	Token string
	// RequestTimeout bounds each HTTP request; default 30s.
	RequestTimeout time.Duration
	// BuildTimeout bounds a whole Wait; a build still running then is
	// stopped and reported as failed. 0 means no bound.
	BuildTimeout time.Duration
	// PollInterval is the first wait between polls and retries; it doubles
	// up to PollMax while nothing changes. Defaults 1s and 15s.
	PollInterval time.Duration
	// PollMax caps the wait between polls.
	PollMax time.Duration
	// Retries is how often an idempotent GET is retried after a 5xx or a
	// network error; default 3, negative for none.
	Retries int
	// ScanBuilds is how many recent builds of the job are searched for a
	// release's build; default 50.
	ScanBuilds int
	// ArtifactName is the archived file decoded into the build result;
	// default DefaultArtifactName.
	ArtifactName string
	// HTTPClient is copied; the copy gets a cookie jar (the crumb is bound
	// to the session cookie) if it has none, and never follows redirects
	// (the trigger's Location is the answer). nil: a plain client.
	HTTPClient *http.Client
	// Logger; nil discards.
	Logger *slog.Logger
}

// String describes the configuration with the token redacted.
func (c Config) String() string {
	return fmt.Sprintf("jenkins{url=%s user=%s token=%s}", c.URL, c.User, redact(c.Token))
}

// LogValue keeps the token out of logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("url", c.URL), slog.String("user", c.User),
		slog.String("token", redact(c.Token)))
}

func redact(s string) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

func (c Config) withDefaults() Config {
	c.RequestTimeout = orDuration(c.RequestTimeout, 30*time.Second)
	c.PollInterval = orDuration(c.PollInterval, time.Second)
	c.PollMax = max(orDuration(c.PollMax, 15*time.Second), c.PollInterval)
	switch {
	case c.Retries == 0:
		c.Retries = 3
	case c.Retries < 0:
		c.Retries = 0
	}
	if c.ScanBuilds <= 0 {
		c.ScanBuilds = 50
	}
	if c.ArtifactName == "" {
		c.ArtifactName = DefaultArtifactName
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Builder starts, follows and stops Jenkins builds of releases.
type Builder struct {
	cfg  Config
	base string // root URL without a trailing slash
	http *http.Client
	log  *slog.Logger

	mu    sync.Mutex
	crumb *crumb // the last crumb issued, sent with every POST once known
}

var _ core.Builder = (*Builder)(nil)

// New checks cfg and makes a Builder.
func New(cfg Config) (*Builder, error) {
	cfg = cfg.withDefaults()
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("configuring jenkins: URL %q is not an http(s) URL", cfg.URL)
	}
	if cfg.User == "" || cfg.Token == "" {
		return nil, fmt.Errorf("configuring jenkins: user and API token are required")
	}
	client := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		client = &copied
	}
	if client.Jar == nil {
		jar, err := cookiejar.New(nil)
		if err != nil {
			return nil, fmt.Errorf("configuring jenkins: %w", err)
		}
		client.Jar = jar
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Builder{cfg: cfg, base: strings.TrimSuffix(u.String(), "/"), http: client,
		log: cfg.Logger.With("builder", Kind)}, nil
}
