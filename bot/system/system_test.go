package system_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// config is a small configuration: web on a script target, api on a
// Kubernetes target whose kubeconfig does not exist here, and the
// listeners on the given addresses.
func config(t *testing.T, webAddr string) *configs.Config {
	t.Helper()
	yaml := fmt.Sprintf(`
store: {dsn: %q}
server: {web_addr: %q, ops_addr: "127.0.0.1:0"}
teams: {dev: [alice], sre: [bob]}
chats: {ops: {conversation_id: cid-ops}}
app_sets: {all: [web, api]}
apps:
  web:
    target: {kind: container, script: {command: [echo]}}
    chats: [ops]
    release_teams: [dev]
    approver_teams: [sre, dev]
  api:
    target: {kind: container, kubernetes: {kubeconfig: /nonexistent/kubeconfig, namespace: prod,
      deployments: [{deployment: api, container: api}]}}
    chats: [ops]
    release_teams: [dev]
    approver_teams: [sre]
`, filepath.Join(t.TempDir(), "dingops.db"), webAddr)
	cfg, _, err := configs.Parse([]byte(yaml), "test.yaml", func(string) string { return "" })
	require.NoError(t, err)
	return cfg
}

// TestAssemble: the configuration becomes an engine with every app, teams
// resolved and sets attached; a target that cannot be built here leaves
// its app refusing with the reason instead of stopping the others.
func TestAssemble(t *testing.T) {
	ctx := context.Background()
	sys, err := system.Assemble(ctx, config(t, "127.0.0.1:0"), system.Options{})
	require.NoError(t, err)
	defer sys.Close()
	require.NoError(t, sys.Store.Migrate(ctx))
	web, refused := sys.Engine.App("web")
	require.Nil(t, refused)
	assert.Equal(t, []string{"bob", "alice"}, web.Approvers, "members of both teams, once each")
	assert.Equal(t, []string{"all"}, web.Sets)
	assert.Equal(t, []string{"cid-ops"}, web.Chats)
	assert.Empty(t, sys.Services, "chat and record run no services")
	assert.Equal(t, []string{"api", "web"}, sys.Windows.Apps())
	_, _, err = sys.Engine.Record(ctx, core.RecordRequest{Actor: core.Actor{StaffID: "ci"}, App: "api",
		Artifact: core.Artifact{Ref: "registry/api:v1"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the container target of api is unavailable")
}

// TestAssembleServe builds the services and binds the listeners; a web
// address already taken fails start-up and leaves nothing open.
func TestAssembleServe(t *testing.T) {
	ctx := context.Background()
	sys, err := system.Assemble(ctx, config(t, "127.0.0.1:0"), system.Options{Serve: true, Version: "test"})
	require.NoError(t, err)
	var names []string
	for _, s := range sys.Services {
		names = append(names, s.Name())
	}
	assert.Len(t, names, 3, "ops, web and the pruner (no DingTalk section: no stream, no announcements): %v", names)
	sys.Close()
	sys.Close()

	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	_, err = system.Assemble(ctx, config(t, taken.Addr().String()), system.Options{Serve: true})
	require.Error(t, err)
}

// TestAssembleGivenStore uses the store handed in, and leaves it open.
func TestAssembleGivenStore(t *testing.T) {
	ctx := context.Background()
	cfg := config(t, "127.0.0.1:0")
	s, err := store.Open(ctx, cfg.Store.DSN, store.Options{})
	require.NoError(t, err)
	defer s.Close()
	sys, err := system.Assemble(ctx, cfg, system.Options{Store: s})
	require.NoError(t, err)
	require.Same(t, s, sys.Store)
	sys.Close()
	require.NoError(t, s.Migrate(ctx), "the store is still open")
}

// TestCheck warns about the target that cannot be built on this machine,
// at its YAML path, and notes the holiday data.
func TestCheck(t *testing.T) {
	probs, warns, notes := system.Check(config(t, "127.0.0.1:0"), time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC))
	assert.Empty(t, probs)
	require.Len(t, warns, 1)
	assert.Equal(t, "apps.api.target", warns[0].Path)
	assert.Contains(t, warns[0].Message, "cannot be built here")
	require.Len(t, notes, 1)
	assert.Contains(t, notes[0], "holiday data: until")
}
