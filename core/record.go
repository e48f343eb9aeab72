package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// RecordRequest adopts a release made elsewhere (CI/CD) so rollbacks have
// history from day one.
type RecordRequest struct {
	Actor    Actor
	App      string
	Artifact Artifact
	Commit   string
	By       string // who released it, if not the actor
	Key      string // idempotency key: the same key never records twice
}

// Record stores a succeeded release made outside dingops; it becomes what is
// live. The artifact is completed by the target when it can (digest, display).
func (e *Engine) Record(ctx context.Context, req RecordRequest) (Release, bool, error) {
	if bad := checkTexts("artifact", req.Artifact.Ref, "digest", req.Artifact.Digest, "display", req.Artifact.Display,
		"commit", req.Commit, "by", req.By, "key", req.Key); bad != nil {
		return Release{}, false, e.refused(ctx, req.Actor, req.App, 0, bad)
	}
	app, ref := e.App(req.App)
	if ref != nil {
		return Release{}, false, e.refused(ctx, req.Actor, req.App, 0, ref)
	}
	if strings.TrimSpace(req.Artifact.Ref) == "" {
		return Release{}, false, e.refused(ctx, req.Actor, app.Name, 0, Refuse(CodeBadArtifact, "app", app.Name, "artifact", req.Artifact.Ref))
	}
	a, err := e.resolve(ctx, app, req.Artifact)
	if err != nil {
		return Release{}, false, e.refused(ctx, req.Actor, app.Name, 0, Refuse(CodeArtifactUnknown, "app", app.Name,
			"artifact", req.Artifact.Ref, "detail", err.Error()))
	}
	now := e.Now()
	by := req.By
	if by == "" {
		by = req.Actor.StaffID
	}
	r := Release{App: app.Name, Kind: KindRelease, Status: StatusSucceeded, Artifact: a, Requester: by,
		Reason: "recorded", Commit: req.Commit, OriginMsgID: req.Key, CreatedAt: now, UpdatedAt: now,
		DecidedAt: now, StartedAt: now, FinishedAt: now}
	created, err := e.cfg.Releases.CreateRelease(ctx, r)
	if errors.Is(err, ErrDuplicate) {
		return created, false, nil
	}
	if errors.Is(err, ErrActiveExists) {
		return Release{}, false, e.refused(ctx, req.Actor, app.Name, 0, Refuse(CodeActiveExists, "app", app.Name,
			"release", created.Label(), "status", created.Status, "requester", created.Requester))
	}
	if err != nil {
		return Release{}, false, fmt.Errorf("recording release of %s: %w", app.Name, err)
	}
	e.audit(ctx, req.Actor, AuditRecord, app.Name, created.ID, fmt.Sprintf("v%d artifact=%s by=%s", created.Version, a.Ref, by))
	return created, true, nil
}

func (e *Engine) resolve(ctx context.Context, app *App, a Artifact) (Artifact, error) {
	if a.Kind == "" {
		a.Kind = app.Target
	}
	d, err := e.deployer(app.Name)
	if err != nil {
		return a, err
	}
	res, ok := d.(ArtifactResolver)
	if !ok {
		return a, d.Check(ctx, a)
	}
	full, err := res.Resolve(ctx, a.Ref)
	if err != nil {
		return a, err
	}
	if a.Digest != "" && full.Digest != "" && a.Digest != full.Digest {
		return a, fmt.Errorf("digest %s given, target has %s", a.Digest, full.Digest)
	}
	if a.Display != "" {
		full.Display = a.Display
	}
	return full, nil
}
