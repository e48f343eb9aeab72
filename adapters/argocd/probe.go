package argocd

import "context"

// Probe is Check without an artifact, for `dingops doctor`: the
// application exists and has the configured source, and the token may get,
// update and sync it (Argo CD's account can-i).
func (d *Deployer) Probe(ctx context.Context) error {
	app, err := d.get(ctx)
	if err != nil {
		return err
	}
	if _, err := d.source(app); err != nil {
		return err
	}
	return d.permitted(ctx, "get", "update", "sync")
}
