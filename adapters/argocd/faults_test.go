package argocd

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/argocd/argocdemu"
)

func kustomizeImages(t *testing.T, e *argocdemu.Emulator) []string {
	t.Helper()
	app, ok := e.App("", "web")
	require.True(t, ok)
	return app.Spec.Source.Kustomize.Images
}

// A worker dies after setting the override and asking for the sync; the
// resumed deploy waits for that sync instead of patching or syncing again.
func TestCrashAndRetryConverges(t *testing.T) {
	r := newRig(t, rigOpts{manualSync: true})
	a := r.artifact(t, "v1")
	r.emu.Hold(true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.dep.Deploy(ctx, request(a, 1)) }()
	require.Eventually(t, func() bool { return r.requests("POST", "/sync", http.StatusOK) == 1 }, 10*time.Second, time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	r.emu.Hold(false)

	require.NoError(t, r.dep.Deploy(context.Background(), request(a, 1)), "the retry converges")
	assert.Equal(t, 1, r.requests("PATCH", "/applications/web", 0), "the override is set once")
	assert.Equal(t, 1, r.requests("POST", "/sync", 0), "the running sync is waited for, not repeated")
	assert.Equal(t, a.Ref, r.image(t))
	live, err := r.dep.Live(context.Background())
	require.NoError(t, err)
	assert.True(t, live.Same(a))
}

// A rollout that passes its progress deadline leaves the app Degraded:
// the deploy fails with Argo CD's words and the previous override returns.
func TestDegradedRestoresThePreviousOverride(t *testing.T) {
	r := newRig(t, rigOpts{})
	ctx := context.Background()
	v1, v2 := r.artifact(t, "v1"), r.artifact(t, "v2")
	require.NoError(t, r.dep.Deploy(ctx, request(v1, 1)))
	r.breakImage(t, v2.Ref, 20)
	log := &bytes.Buffer{}
	req := request(v2, 2)
	req.Log = log
	err := r.dep.Deploy(ctx, req)
	require.Error(t, err)
	var de *DeployError
	require.ErrorAs(t, err, &de)
	assert.Contains(t, err.Error(), `application is Degraded: Deployment "web" exceeded its progress deadline`)
	assert.True(t, de.Restored, err.Error())
	assert.Equal(t, []string{repo + "=" + v1.Ref}, kustomizeImages(t, r.emu))
	require.Eventually(t, func() bool { return r.image(t) == v1.Ref }, 10*time.Second, time.Millisecond,
		"Argo CD syncs the restored override")
	assert.Contains(t, log.String(), "restoring the previous override")
}

// A token whose role may not sync is refused by Check, and Deploy changes
// nothing; a wrong token, an unknown app and a malformed answer each give
// one clear line.
func TestBadInputChangesNothing(t *testing.T) {
	r := newRig(t, rigOpts{})
	ctx := context.Background()
	a := r.artifact(t, "v1")
	with := func(f func(*Config)) *Deployer {
		cfg := r.dep.cfg
		f(&cfg)
		d, err := New(cfg)
		require.NoError(t, err)
		return d
	}
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("<html>login</html>"))
	}))
	t.Cleanup(garbage.Close)
	tests := []struct {
		name string
		dep  *Deployer
		want string
	}{
		{"permission denied", with(func(c *Config) { c.Token = "tok-readonly" }),
			`the argo cd token may not update argo cd application shop/web: give its project role the policy "p, proj:shop:<role>, applications, update, shop/web, allow"`},
		{"wrong token", with(func(c *Config) { c.Token = "tok-stolen" }),
			"answered 401 (bad token: check the token in token_env): invalid session: token signature is invalid"},
		{"unknown app", with(func(c *Config) { c.Application = "nope" }),
			`answered 404 (no such application in this project): applications.argoproj.io "nope" not found`},
		{"other project", with(func(c *Config) { c.Project = "other" }), "answered 403"},
		{"malformed answer", with(func(c *Config) { c.Server = garbage.URL }), "malformed answer (<html>login</html>)"},
		{"a tag parameter and a digest-only artifact", with(func(c *Config) { c.Image.HelmParameter = "image.tag" }),
			"helm parameter image.tag holds a tag, and " + a.Ref + " has none (set helm_value: digest or reference)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.dep.Check(ctx, a)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			err = tt.dep.Deploy(ctx, request(a, 1))
			require.Error(t, err)
			assert.Equal(t, 0, r.requests("PATCH", "/applications/web", http.StatusOK), "nothing changed")
			assert.Equal(t, seedImage, r.image(t))
		})
	}
}

// A deploy meets an operation someone else started: it waits for it, and
// then syncs its own value once; a sync that races one is told so by Argo
// CD and recognised.
func TestOperationAlreadyRunning(t *testing.T) {
	r := newRig(t, rigOpts{manualSync: true})
	a := r.artifact(t, "v2")
	r.emu.Hold(true)
	require.NoError(t, r.emu.StartOperation("", "web", "alice"))

	err := r.dep.sync(context.Background())
	require.Error(t, err)
	assert.True(t, inProgress(err), err.Error())
	assert.Contains(t, err.Error(), "answered 400: error setting app operation: another operation is already in progress")

	done := make(chan error, 1)
	go func() { done <- r.dep.Deploy(context.Background(), request(a, 1)) }()
	require.Eventually(t, func() bool { return r.requests("PATCH", "/applications/web", http.StatusOK) == 1 },
		10*time.Second, time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("the deploy returned while alice's operation ran: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	r.emu.Hold(false)
	require.NoError(t, <-done)
	assert.Equal(t, a.Ref, r.image(t))
	assert.Equal(t, 1, r.requests("POST", "/sync", http.StatusOK), "one sync of our own once hers ended")
}
