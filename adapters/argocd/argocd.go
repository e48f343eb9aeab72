// Package argocd deploys container images through Argo CD: it sets the
// image in the Application's spec (a kustomize image override or a Helm
// parameter, in spec.source or one of spec.sources), asks Argo CD to sync,
// and waits as `argocd app wait` does until the operation succeeded and the
// application is Synced and Healthy. Auto-sync and self-heal stay on: Argo
// CD itself applies the image, so it never fights dingops.
//
// It speaks Argo CD's REST API (the grpc-gateway over
// server/application/application.proto and server/account/account.proto in
// argoproj/argo-cd) with net/http: the argo-cd Go module would pull the
// whole server into the build.
package argocd

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/adapters/container/kubernetes/imageref"
	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/core"
)

// Kind names this target in configuration.
const Kind = "argocd"

// Defaults for Config fields left zero.
const (
	DefaultTimeout      = 10 * time.Minute
	DefaultPollInterval = 2 * time.Second
)

// Config configures a Deployer.
type Config struct {
	// Server is Argo CD's URL ("https://argocd.example.com").
	Server string
	// Token is an Argo CD API token (a project role's JWT or an account's).
	Token string
	// Application is the Application's name; AppNamespace its namespace
	// when it lives outside Argo CD's own (apps in any namespace).
	Application  string
	AppNamespace string
	// Project is the Application's project; requests name it, so Argo CD
	// answers 404 rather than "permission denied" for a missing app.
	Project string
	Image   Image
	// Timeout bounds one sync and wait (default 10m).
	Timeout time.Duration
	// PollInterval is the time between application reads (default 2s).
	PollInterval time.Duration
	// Registry, when set, makes Check ask the registry whether the image exists.
	Registry *kubernetes.RegistryConfig
	// Client makes the requests (default: 30 s timeout per request).
	Client *http.Client
	// Confirm, when set, makes the deployer follow a finished deploy to its
	// users (confirm.go): bounded, backing off, optionally with a probe URL.
	Confirm *visible.Config
	Logger  *slog.Logger
}

// Deployer makes an image live on one Argo CD Application.
type Deployer struct {
	cfg  Config
	api  *client
	repo imageref.Ref
	reg  *kubernetes.RegistryChecker // nil: no registry check
	log  *slog.Logger
}

var _ core.Deployer = (*Deployer)(nil)

// New validates cfg and builds a Deployer.
func New(cfg Config) (*Deployer, error) {
	if err := validate(&cfg); err != nil {
		return nil, fmt.Errorf("configuring argocd target: %w", err)
	}
	repo, err := imageref.Parse(cfg.Image.Repository)
	if err != nil || repo.Tag != "" || repo.Digest != "" {
		return nil, fmt.Errorf("configuring argocd target: image repository %q must be a repository without tag or digest",
			cfg.Image.Repository)
	}
	d := &Deployer{cfg: cfg, repo: repo, log: cfg.Logger,
		api: &client{base: strings.TrimRight(cfg.Server, "/"), token: cfg.Token, http: cfg.Client}}
	if d.api.http == nil {
		d.api.http = &http.Client{Timeout: 30 * time.Second}
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry != nil {
		d.reg = kubernetes.NewRegistryChecker(*cfg.Registry)
	}
	return d, nil
}

func validate(cfg *Config) error {
	u, err := url.Parse(cfg.Server)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("server %q must be an http(s) URL", cfg.Server)
	case cfg.Token == "":
		return errors.New("a token is required")
	case cfg.Application == "" || cfg.Project == "":
		return errors.New("application and project are required")
	case cfg.Image.SourcePosition < 0:
		return errors.New("source position counts from 1")
	}
	switch cfg.Image.HelmValue {
	case "", "tag", "digest", "reference":
	default:
		return fmt.Errorf("helm value must be tag, digest or reference, got %q", cfg.Image.HelmValue)
	}
	if cfg.Image.HelmValue != "" && !cfg.Image.helm() {
		return errors.New("helm value needs a helm parameter")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	return nil
}

// query is the appNamespace and project every application call names.
func (d *Deployer) query() string {
	q := url.Values{"project": {d.cfg.Project}}
	if d.cfg.AppNamespace != "" {
		q.Set("appNamespace", d.cfg.AppNamespace)
	}
	return "?" + q.Encode()
}

func (d *Deployer) appPath(sub string) string {
	return "/api/v1/applications/" + url.PathEscape(d.cfg.Application) + sub
}

// where names the application for people: "argo cd application shop/shop-api".
func (d *Deployer) where() string {
	return fmt.Sprintf("argo cd application %s/%s", d.cfg.Project, d.cfg.Application)
}
