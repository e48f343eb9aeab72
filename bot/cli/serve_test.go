package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

const template = "00000000-0000-0000-0000-0000000000aa.schema"

// served is a `dingops serve` process connected to a DingTalk emulator.
type served struct {
	emu     *dingtalkemu.Server
	cmd     *exec.Cmd
	ops     string
	dir     string
	started time.Time
	ready   time.Duration
}

// serveConfig is one script app (web) in one group, DingTalk at the emulator.
func serveConfig(emu *dingtalkemu.Server, dir, ops, web string) string {
	host := strings.TrimPrefix(emu.URL(), "http://")
	return fmt.Sprintf(`store: {dsn: %s/dingops.db}
server: {ops_addr: %s, web_addr: %s, log_format: json}
worker: {lease: 2s, poll: 200ms}
dingtalk:
  client_id: %s
  client_secret_env: DINGOPS_TEST_DT_SECRET
  card_template_id: %s
  endpoint: %s
  protocol: http
  stream_host: %s
teams: {frontend: [alice], sre: [bob]}
chats: {web-ops: {conversation_id: cid-web}}
apps:
  web:
    target:
      kind: container
      script:
        command: [sh, -c, 'echo "$DINGOPS_ARTIFACT" > live.txt; echo "$DINGOPS_RELEASE_ID" >> deploys.log']
        live_command: [sh, -c, 'cat live.txt 2>/dev/null || true']
        dir: %s
    chats: [web-ops]
    release_teams: [frontend]
    approver_teams: [sre]
`, dir, ops, web, dingtalkemu.DefaultClientID, template, host, emu.URL(), dir)
}

// startServe starts the emulator and `dingops serve`, with two recorded
// releases of web, and waits until /readyz says the stream is connected.
func startServe(t testing.TB) *served {
	bin := build(t)
	emu := dingtalkemu.New(dingtalkemu.Options{Templates: []string{template}, Window: 256})
	require.NoError(t, emu.Start())
	t.Cleanup(emu.Close)
	dir := t.TempDir()
	s := &served{emu: emu, dir: dir}
	cfg := filepath.Join(dir, "dingops.yaml")
	// Port 0: serve binds and logs its own ports, so nothing can take one
	// between the test choosing it and serve binding it.
	require.NoError(t, os.WriteFile(cfg, []byte(serveConfig(emu, dir, "127.0.0.1:0", "127.0.0.1:0")), 0o644))
	env := append(os.Environ(), "DINGOPS_TEST_DT_SECRET="+dingtalkemu.DefaultClientSecret)
	for _, v := range []string{"v1", "v2"} {
		rec := exec.Command(bin, "record", "--config", cfg, "--app", "web", "--artifact", "reg/web:"+v, "--by", "alice")
		rec.Env = env
		out, err := rec.CombinedOutput()
		require.NoError(t, err, string(out))
	}
	s.cmd = exec.Command(bin, "serve", "--config", cfg)
	s.cmd.Env = env
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	require.NoError(t, err)
	s.cmd.Stderr, s.cmd.Stdout = logf, logf
	s.started = time.Now()
	require.NoError(t, s.cmd.Start())
	t.Cleanup(func() { _ = s.cmd.Process.Kill(); _, _ = s.cmd.Process.Wait() })
	require.Eventually(t, func() bool { return s.readyz() == http.StatusOK }, 30*time.Second, 10*time.Millisecond,
		"serve becomes ready; log:\n%s", readFile(filepath.Join(dir, "serve.log")))
	s.ready = time.Since(s.started)
	return s
}

func (s *served) readyz() int {
	if s.ops == "" {
		if s.ops = listening(filepath.Join(s.dir, "serve.log"), "ops"); s.ops == "" {
			return 0
		}
	}
	r, err := http.Get("http://" + s.ops + "/readyz")
	if err != nil {
		return 0
	}
	r.Body.Close()
	return r.StatusCode
}

// listening reads the address serve logged for one of its listeners
// ("ops" or "web"); "" until it has.
func listening(logFile, service string) string {
	for _, line := range strings.Split(readFile(logFile), "\n") {
		var rec struct{ Msg, Service, Addr string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" && rec.Service == service {
			return rec.Addr
		}
	}
	return ""
}

func readFile(p string) string { b, _ := os.ReadFile(p); return string(b) }

func (s *served) say(t testing.TB, who, text string) {
	_, err := s.emu.SendText(dingtalkemu.BotMessage{ConversationID: "cid-web", Group: true, SenderStaffID: who,
		SenderNick: who, Text: text})
	require.NoError(t, err)
}

// rss is the process's resident memory in KiB, from /proc.
func rss(pid int) int { return statusKB(pid, "VmRSS:") }

// statusKB reads one kB field of /proc/pid/status.
func statusKB(pid int, field string) int {
	for _, line := range strings.Split(readFile(fmt.Sprintf("/proc/%d/status", pid)), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}

// TestServeAgainstEmulator runs `dingops serve` against the DingTalk
// emulator: it connects, answers /help, and runs the rollback flow from the
// message to the card's success, with the approval clicked on the card.
func TestServeAgainstEmulator(t *testing.T) {
	s := startServe(t)
	s.say(t, "alice", "/help")
	replies, err := s.emu.WaitReplies(20*time.Second, 1)
	require.NoError(t, err)
	assert.Contains(t, replies[0].Text, "/rollback")
	s.say(t, "alice", "/rollback web v1 首页白屏")
	require.NoError(t, s.emu.WaitFor(20*time.Second, func() bool { return s.emu.CardCount() == 1 }))
	card := s.emu.Cards()[0]
	assert.Equal(t, "pending_approval", card.Data["status"])
	res, err := s.emu.ClickCard(context.Background(), dingtalkemu.Click{OutTrackID: card.OutTrackID, UserID: "bob",
		Params: map[string]any{"action": "approve", "release_id": card.Data["release_id"]}})
	require.NoError(t, err)
	require.Equal(t, 200, res.Code)
	done, err := s.emu.WaitCard(20*time.Second, card.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == "succeeded" })
	require.NoError(t, err, readFile(filepath.Join(s.dir, "serve.log")))
	assert.Contains(t, done.Data["result"], "✅")
	assert.Equal(t, "3\n", readFile(filepath.Join(s.dir, "deploys.log")), "deployed once, as release #3")
	assert.Equal(t, "reg/web:v1\n", readFile(filepath.Join(s.dir, "live.txt")))
	require.NoError(t, s.cmd.Process.Signal(os.Interrupt))
	require.NoError(t, s.cmd.Wait(), "serve drains and exits 0 on SIGINT")
}

// BenchmarkServeFootprint records the resident memory of `dingops serve`
// idle and while answering a burst of 200 messages, and the time from
// start to the stream connected (ready).
func BenchmarkServeFootprint(b *testing.B) {
	s := startServe(b)
	time.Sleep(time.Second)
	idle := rss(s.cmd.Process.Pid)
	// VmRSS = RssAnon (heap, stacks, runtime) + RssFile (the binary's pages
	// touched) + RssShmem.
	anon, file := statusKB(s.cmd.Process.Pid, "RssAnon:"), statusKB(s.cmd.Process.Pid, "RssFile:")
	peak := idle
	for b.Loop() {
		before := len(s.emu.Replies())
		for i := range 200 {
			s.say(b, fmt.Sprintf("user%d", i%5), "/status web")
		}
		for len(s.emu.Replies()) < before+200 {
			peak = max(peak, rss(s.cmd.Process.Pid))
			time.Sleep(5 * time.Millisecond)
		}
	}
	b.ReportMetric(float64(idle)/1024, "idle-rss-MiB")
	b.ReportMetric(float64(peak)/1024, "busy-rss-MiB")
	b.ReportMetric(float64(anon)/1024, "idle-anon-MiB") // after the loop: b.Loop's start clears reported metrics
	b.ReportMetric(float64(file)/1024, "idle-file-MiB")
	b.ReportMetric(float64(s.ready.Milliseconds()), "start-to-connected-ms")
}
