package argocd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/dingops/dingops/adapters/container/kubernetes/imageref"
	"github.com/dingops/dingops/core"
)

// imageOf is the image reference an artifact deploys: pinned to its
// digest when the reference carries none, and of the configured repository.
func (d *Deployer) imageOf(a core.Artifact) (imageref.Ref, error) {
	if a.Kind != "" && a.Kind != core.TargetContainer {
		return imageref.Ref{}, fmt.Errorf("artifact %s is a %s artifact, not a container image", a.Label(), a.Kind)
	}
	ref, err := imageref.Parse(a.Ref)
	if err != nil {
		return imageref.Ref{}, fmt.Errorf("image reference %q cannot be deployed: %w", a.Ref, err)
	}
	if a.Digest != "" && ref.Digest == "" {
		if err := imageref.ValidateDigest(a.Digest); err != nil {
			return imageref.Ref{}, fmt.Errorf("artifact %s: %w", a.Ref, err)
		}
		ref = ref.WithDigest(a.Digest)
	}
	if ref.Registry() != d.repo.Registry() || ref.Repository() != d.repo.Repository() {
		return imageref.Ref{}, fmt.Errorf("image %s is not of repository %s, which %s sets", a.Ref, d.cfg.Image.Repository, d.where())
	}
	return ref, nil
}

// Check refuses an artifact that is not an image of the configured
// repository, an application that does not exist or lacks the configured
// source, a token that may not get, update and sync it, and, with a
// registry configured, an image the registry does not hold.
func (d *Deployer) Check(ctx context.Context, a core.Artifact) error {
	ref, err := d.imageOf(a)
	if err != nil {
		return err
	}
	if _, err := d.cfg.Image.value(ref); err != nil {
		return err
	}
	app, err := d.get(ctx)
	if err != nil {
		return err
	}
	if _, err := d.source(app); err != nil {
		return err
	}
	if err := d.permitted(ctx, "get", "update", "sync"); err != nil {
		return err
	}
	if d.reg == nil {
		return nil
	}
	_, err = d.reg.Digest(ctx, ref)
	return err
}

// get reads the application (GET /api/v1/applications/{name}).
func (d *Deployer) get(ctx context.Context) (*application, error) {
	var app application
	if err := d.api.do(ctx, "GET", d.appPath("")+d.query(), nil, &app); err != nil {
		return nil, fmt.Errorf("reading %s: %w", d.where(), err)
	}
	if app.Metadata.Name != d.cfg.Application {
		return nil, fmt.Errorf("reading %s: the answer names application %q", d.where(), app.Metadata.Name)
	}
	return &app, nil
}

// source is the configured source of app, refused when it is missing or
// of the other kind.
func (d *Deployer) source(app *application) (*source, error) {
	pos, n := d.cfg.Image.SourcePosition, len(app.Spec.Sources)
	switch {
	case pos == 0 && app.Spec.Source == nil && n > 0:
		return nil, fmt.Errorf("%s has %d sources: set source_position to the one that holds the image", d.where(), n)
	case pos > 0 && pos > n:
		return nil, fmt.Errorf("%s has no source at position %d (it has %d in spec.sources)", d.where(), pos, n)
	}
	src := sourceAt(app.Spec.Source, app.Spec.Sources, pos)
	if src == nil {
		return nil, fmt.Errorf("%s has no spec.source", d.where())
	}
	if d.cfg.Image.helm() && src.Kustomize != nil && src.Helm == nil {
		return nil, fmt.Errorf("%s's source %s is kustomize, not Helm: configure kustomize instead of helm_parameter", d.where(), src.RepoURL)
	}
	if !d.cfg.Image.helm() && src.Helm != nil && src.Kustomize == nil {
		return nil, fmt.Errorf("%s's source %s is Helm: configure helm_parameter instead of kustomize", d.where(), src.RepoURL)
	}
	return src, nil
}

// permitted asks Argo CD whether the token may do each action on the
// application: GET /api/v1/account/can-i/applications/{action}/{project}/{app}
// (server/account/account.go CanI answers {"value":"yes"|"no"}).
func (d *Deployer) permitted(ctx context.Context, actions ...string) error {
	object := d.cfg.Project + "/"
	if d.cfg.AppNamespace != "" {
		object += url.PathEscape(d.cfg.AppNamespace) + "/"
	}
	object += url.PathEscape(d.cfg.Application)
	for _, act := range actions {
		var ans struct {
			Value string `json:"value"`
		}
		if err := d.api.do(ctx, "GET", "/api/v1/account/can-i/applications/"+act+"/"+object, nil, &ans); err != nil {
			return fmt.Errorf("asking whether the token may %s %s: %w", act, d.where(), err)
		}
		switch ans.Value {
		case "yes":
		case "no":
			return fmt.Errorf("the argo cd token may not %s %s: give its project role the policy "+
				"\"p, proj:%s:<role>, applications, %s, %s/%s, allow\"", act, d.where(), d.cfg.Project, act,
				d.cfg.Project, d.cfg.Application)
		default:
			return fmt.Errorf("asking whether the token may %s %s: malformed answer %q", act, d.where(), ans.Value)
		}
	}
	return nil
}

// setOverride sends one JSON patch of the spec (PATCH
// /api/v1/applications/{name}, ApplicationPatchRequest).
func (d *Deployer) setOverride(ctx context.Context, ops []op) error {
	patch, err := json.Marshal(ops)
	if err != nil {
		return fmt.Errorf("encoding the patch of %s: %w", d.where(), err)
	}
	body := map[string]string{"name": d.cfg.Application, "patch": string(patch), "patchType": "json",
		"project": d.cfg.Project}
	if d.cfg.AppNamespace != "" {
		body["appNamespace"] = d.cfg.AppNamespace
	}
	var app application
	if err := d.api.do(ctx, "PATCH", d.appPath(""), body, &app); err != nil {
		return fmt.Errorf("setting the %s of %s: %w", d.cfg.Image.field(), d.where(), err)
	}
	return nil
}

// sync asks for a sync of the application as its spec stands, prune off
// and with the application's own sync options (POST .../sync; the server
// uses spec.syncPolicy.syncOptions when the request names none).
func (d *Deployer) sync(ctx context.Context) error {
	body := map[string]any{"name": d.cfg.Application, "prune": false, "project": d.cfg.Project}
	if d.cfg.AppNamespace != "" {
		body["appNamespace"] = d.cfg.AppNamespace
	}
	if err := d.api.do(ctx, "POST", d.appPath("/sync"), body, nil); err != nil {
		return fmt.Errorf("syncing %s: %w", d.where(), err)
	}
	return nil
}

// terminate stops the running operation (DELETE .../operation), before a
// revert whose sync it would block.
func (d *Deployer) terminate(ctx context.Context) error {
	if err := d.api.do(ctx, "DELETE", d.appPath("/operation")+d.query(), nil, nil); err != nil {
		return fmt.Errorf("terminating the operation of %s: %w", d.where(), err)
	}
	return nil
}
