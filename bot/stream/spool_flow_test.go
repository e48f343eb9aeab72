package stream

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/bot/faults"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store/storetest"
)

// behindProxy is an env whose replicas reach a fresh PostgreSQL database
// through a fault proxy (skipped without DINGOPS_TEST_POSTGRES_DSN).
func behindProxy(t *testing.T) (*env, *faults.Proxy) {
	dsn := storetest.PostgresDSN(t)
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	p, err := faults.NewProxy(u.Host, faults.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	u.Host = p.Addr()
	e := sqlite(t)
	e.dsn = u.String()
	return e, p
}

// down refuses and cuts the replicas' database connections.
func down(p *faults.Proxy) { p.Refuse(true); p.Cut() }

// TestDatabaseRefusedWhileMessagesAndClicksArrive: every message and the
// click that arrive while the store refuses are kept in the spool (acked,
// never pushed again), then recorded and carried out once it is back.
func TestDatabaseRefusedWhileMessagesAndClicksArrive(t *testing.T) {
	t.Parallel()
	e, p := behindProxy(t)
	r := e.start("r1", func(c *Config) { c.RecordBudget = 200 * time.Millisecond })
	e.say("cid-web", "alice", "/rollback web v2 broken")
	c := e.card(1)
	r.handled(t)
	down(p)
	var ids []string
	for range 5 {
		ids = append(ids, e.say("cid-ops", "alice", "/whoami").MsgID)
	}
	res := e.click(c.OutTrackID, "bob", "approve", c.Data["release_id"])
	assert.Contains(t, res.PrivateData[NoticeParam], "已在本地暂存", "the clicker is told the click is kept")
	assert.Equal(t, 6, r.tr.Spooled())

	p.Refuse(false)
	_, err := e.emu.WaitCard(wait, c.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == "succeeded" })
	require.NoError(t, err, "the kept click approved the rollback")
	replies, err := e.emu.WaitReplies(wait, len(ids))
	require.NoError(t, err)
	r.handled(t)
	per := map[string]int{}
	for _, rep := range replies {
		per[rep.InReplyTo]++
	}
	for _, id := range ids {
		assert.Equal(t, 1, per[id], "message %s answered once", id)
	}
	require.NoError(t, e.emu.WaitFor(wait, func() bool {
		for _, d := range e.emu.DirectMessages() {
			if len(d.UserIDs) == 1 && d.UserIDs[0] == "bob" {
				return true
			}
		}
		return false
	}), "the clicker hears the outcome 1:1")
	assert.Zero(t, r.tr.Spooled())
	assert.Len(t, e.deps["web"].Deploys(), 1)
}

// TestSpoolFullSenderTold: with the store down and the spool full, the
// sender is told on the session webhook, and the clicker privately, that
// it was not taken; what the spool holds is still answered later.
func TestSpoolFullSenderTold(t *testing.T) {
	t.Parallel()
	e, p := behindProxy(t)
	r := e.start("r1", func(c *Config) { c.RecordBudget, c.SpoolMax = 200*time.Millisecond, 1 })
	e.say("cid-web", "alice", "/rollback web v2 broken")
	c := e.card(1)
	r.handled(t)
	down(p)
	kept := e.say("cid-ops", "alice", "/whoami")
	refused := e.say("cid-ops", "alice", "/whoami")
	replies, err := e.emu.WaitReplies(wait, 1)
	require.NoError(t, err)
	assert.Equal(t, refused.MsgID, replies[0].InReplyTo)
	assert.Contains(t, replies[0].Text, "没有被接收")
	res := e.click(c.OutTrackID, "bob", "approve", c.Data["release_id"])
	assert.Contains(t, res.PrivateData[NoticeParam], "没有被接收")

	p.Refuse(false)
	replies, err = e.emu.WaitReplies(wait, 2)
	require.NoError(t, err)
	assert.Equal(t, kept.MsgID, replies[1].InReplyTo, "the kept one is answered")
	r.handled(t)
	assert.Len(t, e.emu.Replies(), 2)
}

const envKillHelper = "DINGOPS_STREAM_SPOOL_HELPER"

// TestSpoolSurvivesSIGKILL: a replica (another process) fills its spool
// while the store refuses, and is killed with SIGKILL. A new replica on the
// same spool directory records and answers every message it had acked.
func TestSpoolSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	e, p := behindProxy(t)
	dir := t.TempDir()
	cc, err := json.Marshal(e.emu.ClientConfig())
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^TestSpoolKillHelper$", "-test.v")
	cmd.Env = append(os.Environ(), envKillHelper+"=1", "HELPER_DSN="+e.dsn, "HELPER_SPOOL="+dir, "HELPER_DT="+string(cc),
		"HELPER_SECRET="+string(e.emu.ClientConfig().ClientSecret)) // the JSON form of a Secret is redacted
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("helper output:\n%s", out.String())
		}
	})
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	require.NoError(t, e.emu.WaitLive(wait, 1), "the helper connects")
	down(p)
	var ids []string
	for range 8 {
		ids = append(ids, e.say("cid-ops", "alice", "/whoami").MsgID) // acked: on disk
	}
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	assert.Empty(t, e.emu.Replies())

	p.Refuse(false)
	r := e.start("r2", func(c *Config) { c.SpoolDir = dir })
	replies, err := e.emu.WaitReplies(wait, len(ids))
	require.NoError(t, err)
	r.handled(t)
	got := map[string]int{}
	for _, rep := range replies {
		got[rep.InReplyTo]++
	}
	for _, id := range ids {
		assert.Equal(t, 1, got[id], "message %s answered once after the kill", id)
	}
}

// TestSpoolKillHelper is the replica TestSpoolSurvivesSIGKILL kills; it
// runs only as that test's child process.
func TestSpoolKillHelper(t *testing.T) {
	if os.Getenv(envKillHelper) == "" {
		t.Skip("a helper process of TestSpoolSurvivesSIGKILL")
	}
	var cc dingtalk.Config
	require.NoError(t, json.Unmarshal([]byte(os.Getenv("HELPER_DT")), &cc))
	cc.ClientSecret = dingtalk.Secret(os.Getenv("HELPER_SECRET"))
	e := &env{t: t, dsn: os.Getenv("HELPER_DSN"), template: template, seeded: true, clientConfig: cc,
		deps: map[string]*coretest.Deployer{"web": coretest.NewDeployer(), "api": coretest.NewDeployer()}}
	spool := os.Getenv("HELPER_SPOOL")
	r, _ := e.build("helper", func(c *Config) { c.SpoolDir, c.RecordBudget = spool, 200*time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = r.tr.Run(ctx) // until killed
}
