// Package miniapp deploys an enterprise internal DingTalk mini program: an
// artifact is a platform appVersionId. A version of the version list
// (online, experience, development) is made online by the publish API,
// whose appVersionId comes from that list; any other version of the history
// by the rollback API, whose appVersionId comes from the history
// (https://open.dingtalk.com/document/development/release-internal-applet-version,
// https://open.dingtalk.com/document/development/rollback-of-enterprise-internal-applet-version).
package miniapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/core"
)

// Kind is the target kind this package deploys.
const Kind = core.TargetMiniApp

// Config names the mini program and who operates it.
type Config struct {
	// App is the dingops app name, used in every message.
	App string
	// AgentID is the mini program's agent id in the organisation.
	AgentID string
	// OpUnionID is the unionId (not the userId) of an admin with
	// app-management rights; DingTalk records publishes and rollbacks as
	// theirs.
	OpUnionID string
	// MiniAppID, when set, refuses versions of another mini program.
	MiniAppID string
	// PageSize is how many history versions one call reads; default 50.
	PageSize int
	// Confirm, when set, makes the deployer follow a finished deploy to its
	// users (confirm.go): bounded, backing off, optionally with a
	// client-visible version endpoint as the probe.
	Confirm *visible.Config
	Logger  *slog.Logger
}

// versionAPI is the slice of *dingtalk.Client the deployer needs: two
// reads and the two ways DingTalk makes a version online.
type versionAPI interface {
	MiniAppVersions(ctx context.Context, agentID string) ([]dingtalk.MiniAppVersion, error)
	MiniAppHistory(ctx context.Context, agentID string, page, size int) (dingtalk.MiniAppHistoryPage, error)
	PublishMiniAppVersion(ctx context.Context, agentID string, id int64, opUnionID string, onPC bool) error
	RollbackMiniAppVersion(ctx context.Context, agentID string, id int64, opUnionID string) error
}

// Deployer is the core.Deployer of one mini-program app.
type Deployer struct {
	cfg Config
	api versionAPI
	log *slog.Logger
}

var (
	_ core.Deployer         = (*Deployer)(nil)
	_ core.ArtifactResolver = (*Deployer)(nil)
)

// New checks cfg and returns the deployer; api is usually a *dingtalk.Client.
func New(cfg Config, api versionAPI) (*Deployer, error) {
	if cfg.App == "" || cfg.AgentID == "" || cfg.OpUnionID == "" {
		return nil, errors.New("configuring mini program target: app, agent id and operator union id are required")
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 50
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Deployer{cfg: cfg, api: api, log: log.With("app", cfg.App, "agent", cfg.AgentID)}, nil
}

// Check refuses a version DingTalk lists neither among the current
// versions nor in the history.
func (d *Deployer) Check(ctx context.Context, a core.Artifact) error {
	id, err := d.versionID(a)
	if err != nil {
		return err
	}
	_, err = d.find(ctx, a, id)
	return err
}

// Deploy makes a.Artifact online: nothing to do for the online version, a
// publish for another version of the version list, a rollback for a
// version of the history.
func (d *Deployer) Deploy(ctx context.Context, req core.DeployRequest) error {
	a := req.Artifact
	id, err := d.versionID(a)
	if err != nil {
		return err
	}
	log := req.Log
	if log == nil {
		log = io.Discard
	}
	v, err := d.find(ctx, a, id)
	if err != nil {
		return fmt.Errorf("deploying %s: %w", d.subject(a), err)
	}
	if v.current && v.Type == dingtalk.VersionOnline {
		fmt.Fprintf(log, "%s is already online\n", d.subject(a))
		return nil
	}
	return d.makeOnline(ctx, a, v, log)
}

func (d *Deployer) makeOnline(ctx context.Context, a core.Artifact, v found, log io.Writer) error {
	action := "rolling back to"
	call := d.api.RollbackMiniAppVersion
	if v.current {
		action = "publishing"
		call = func(ctx context.Context, agent string, id int64, op string) error {
			return d.api.PublishMiniAppVersion(ctx, agent, id, op, v.OnPC)
		}
	}
	fmt.Fprintf(log, "%s %s as %s\n", action, d.subject(a), d.cfg.OpUnionID)
	d.log.Info("mini program deploy", "action", action, "version", a.Label(), "appVersionId", v.ID, "on_pc", v.OnPC)
	if err := call(ctx, d.cfg.AgentID, v.ID, d.cfg.OpUnionID); err != nil {
		return d.fail(action, a, err)
	}
	now, err := d.online(ctx)
	if err != nil {
		return fmt.Errorf("checking %s after %s it: %w", d.subject(a), action, err)
	}
	if now.ID != v.ID {
		return fmt.Errorf("%s %s: DingTalk accepted it but version %s (appVersionId %d) is still online",
			action, d.subject(a), now.Version, now.ID)
	}
	fmt.Fprintf(log, "%s is online\n", d.subject(a))
	return nil
}

// Live is the online version (appVersionType 2); zero when none is online.
func (d *Deployer) Live(ctx context.Context) (core.Artifact, error) {
	v, err := d.online(ctx)
	if err != nil {
		return core.Artifact{}, fmt.Errorf("reading the online version of mini program %s: %w", d.cfg.App, err)
	}
	if v.ID == 0 {
		return core.Artifact{}, nil
	}
	return artifact(v), nil
}

// Resolve completes an artifact from its appVersionId, taking the version
// string from the history.
func (d *Deployer) Resolve(ctx context.Context, ref string) (core.Artifact, error) {
	a := core.Artifact{Kind: Kind, Ref: ref}
	id, err := d.versionID(a)
	if err != nil {
		return a, err
	}
	v, err := d.find(ctx, a, id)
	if err != nil {
		return a, err
	}
	return artifact(v.MiniAppVersion), nil
}

func artifact(v dingtalk.MiniAppVersion) core.Artifact {
	return core.Artifact{Kind: Kind, Ref: strconv.FormatInt(v.ID, 10), Display: v.Version}
}

// online finds the online version; its ID is 0 when there is none.
func (d *Deployer) online(ctx context.Context) (dingtalk.MiniAppVersion, error) {
	vs, err := d.api.MiniAppVersions(ctx, d.cfg.AgentID)
	if err != nil {
		return dingtalk.MiniAppVersion{}, err
	}
	for _, v := range vs {
		if v.Type == dingtalk.VersionOnline {
			return v, nil
		}
	}
	return dingtalk.MiniAppVersion{}, nil
}

// versionID reads the appVersionId an artifact carries.
func (d *Deployer) versionID(a core.Artifact) (int64, error) {
	if a.Kind != "" && a.Kind != Kind {
		return 0, fmt.Errorf("mini program %s cannot deploy a %s artifact (%s)", d.cfg.App, a.Kind, a.Label())
	}
	id, err := strconv.ParseInt(a.Ref, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("mini program %s: %q is not a DingTalk appVersionId", d.cfg.App, a.Ref)
	}
	return id, nil
}

// subject names the app and version the way every message does.
func (d *Deployer) subject(a core.Artifact) string {
	if a.Display != "" && a.Display != a.Ref {
		return fmt.Sprintf("mini program %s version %s (appVersionId %s)", d.cfg.App, a.Display, a.Ref)
	}
	return fmt.Sprintf("mini program %s appVersionId %s", d.cfg.App, a.Ref)
}
