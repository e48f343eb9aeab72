package oss

import (
	"context"
	"time"

	"github.com/dingops/dingops/core"
)

// ConfirmVisible follows a finished deploy to its users when Config.Confirm
// is set: the switch, the CDN refresh task done, and every public URL
// serving the new manifest (core.UserVisible). Without Confirm it returns
// at once and reports nothing.
func (d *Deployer) ConfirmVisible(ctx context.Context, req core.DeployRequest, switched time.Time,
	report func(core.Visibility)) core.Visibility {
	if d.cfg.Confirm == nil || len(d.cfg.Confirm.URLs) == 0 {
		return core.Visibility{}
	}
	var task string
	if v, ok := d.tasks.Load(req.Artifact.Ref); ok {
		task, _ = v.(string)
	}
	watcher, _ := d.cdn.(refreshWatcher)
	c := NewConfirmer(*d.cfg.Confirm, watcher)
	if task == "" || watcher == nil {
		c = NewConfirmer(*d.cfg.Confirm, nil)
	}
	report(core.Visibility{Switched: switched})
	st := c.Confirm(ctx, req.Artifact, switched, task, func(s Confirmation) { report(visibility(s)) })
	return visibility(st)
}

func visibility(s Confirmation) core.Visibility {
	v := core.Visibility{Switched: s.Switched, Served: s.Served, TimedOut: s.TimedOut}
	if !s.CDNDone.IsZero() {
		v.Steps = append(v.Steps, core.VisibleStep{Name: "cdn", At: s.CDNDone})
	}
	return v
}
