package miniapp

import (
	"context"
	"strconv"
	"time"

	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/core"
)

// StepOnline names the card step "DingTalk reports it online".
const StepOnline = "online"

var _ core.UserVisible = (*Deployer)(nil)

// ConfirmVisible follows a finished deploy to its users when
// Config.Confirm is set (core.UserVisible): DingTalk's version list
// reports the version online, then, when a client-visible version
// endpoint is configured as the probe, it answers with the version string
// or the appVersionId. Without Confirm it returns at once and reports
// nothing.
func (d *Deployer) ConfirmVisible(ctx context.Context, req core.DeployRequest, switched time.Time,
	report func(core.Visibility)) core.Visibility {
	if d.cfg.Confirm == nil {
		return core.Visibility{}
	}
	id, err := d.versionID(req.Artifact)
	if err != nil {
		return core.Visibility{}
	}
	check := func(ctx context.Context) (bool, error) {
		v, err := d.online(ctx)
		return err == nil && v.ID == id, err
	}
	want := []string{strconv.FormatInt(id, 10)}
	if s := req.Artifact.Display; s != "" && s != req.Artifact.Ref {
		want = append(want, s)
	}
	return visible.Follow(ctx, *d.cfg.Confirm, switched, StepOnline, check, want, report)
}
