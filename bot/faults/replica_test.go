package faults

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/stretchr/testify/require"
)

// replica is one `dingops serve` process.
type replica struct {
	w    *world
	name string
	id   string // its worker and inbox id: host-pid
	cmd  *exec.Cmd
	ops  string // ops listener, host:port
	log  string // its stderr and stdout (JSON lines)
	conn string // its stream connection in the emulator, when known
	done chan struct{}
	exit int // once done is closed
}

// replicaOption changes how a replica starts.
type replicaOption func(*startSpec)

type startSpec struct {
	dbAddr string // host:port of PostgreSQL (a fault proxy); "" is direct
	spool  string // whose spool directory the replica uses; "" its own
}

// viaProxy points the replica's database connections at p.
func viaProxy(p *Proxy) replicaOption { return func(s *startSpec) { s.dbAddr = p.Addr() } }

// start runs `dingops serve` and waits until /readyz says ready (store
// reachable, migrations current, DingTalk stream connected).
func (w *world) start(name string, opts ...replicaOption) *replica {
	r := w.spawn(name, opts...)
	r.waitReady()
	w.noteConn(r)
	return r
}

// startAll starts replicas at once, so they race from their first moment
// (the announcements' start-up sweep, the first scans), then waits until
// every one is ready.
func (w *world) startAll(names ...string) []*replica {
	rs := make([]*replica, len(names))
	for i, n := range names {
		rs[i] = w.spawn(n)
	}
	for _, r := range rs {
		r.waitReady()
	}
	return rs
}

// spawn runs `dingops serve` without waiting for it.
func (w *world) spawn(name string, opts ...replicaOption) *replica {
	t := w.t
	var spec startSpec
	for _, o := range opts {
		o(&spec)
	}
	r := &replica{w: w, name: name, log: filepath.Join(w.dir, name+".log"), done: make(chan struct{})}
	// Port 0: the process binds and logs its own ports, so no other process
	// can take one between a test choosing it and serve binding it.
	spool := spec.spool
	if spool == "" {
		spool = name
	}
	cfg := w.writeConfigSpool(name, spool, "127.0.0.1:0", "127.0.0.1:0")
	out, err := os.Create(r.log)
	require.NoError(t, err)
	r.cmd = exec.Command(w.bin, "serve", "--config", cfg)
	r.cmd.Env = w.env(w.replicaDSN(name, spec.dbAddr))
	r.cmd.Stdout, r.cmd.Stderr = out, out
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, r.cmd.Start())
	host, _ := os.Hostname()
	r.id = fmt.Sprintf("%s-%d", host, r.cmd.Process.Pid)
	go func() {
		_ = r.cmd.Wait()
		_ = out.Close()
		r.exit = r.cmd.ProcessState.ExitCode()
		close(r.done)
	}()
	w.mu.Lock()
	w.replicas = append(w.replicas, r)
	w.mu.Unlock()
	return r
}

// replicaDSN is the world's DSN with the replica's name as application_name
// (so its backends can be found in pg_stat_activity), through addr if set.
func (w *world) replicaDSN(name, addr string) string {
	u, err := url.Parse(w.dsn)
	require.NoError(w.t, err)
	if addr != "" {
		u.Host = addr
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// waitReady polls /readyz until it answers 200; a process that exits
// first fails the test with its log.
func (r *replica) waitReady() {
	r.w.t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(patience)
	for time.Now().Before(deadline) {
		if r.ready(client) {
			return
		}
		select {
		case <-r.done:
			r.w.t.Fatalf("%s exited with %d before it was ready:\n%s", r.name, r.exit, r.tail(40))
		case <-time.After(50 * time.Millisecond):
		}
	}
	r.w.t.Fatalf("%s not ready within %s:\n%s", r.name, patience, r.tail(40))
}

func (r *replica) ready(client *http.Client) bool {
	if r.ops == "" {
		r.ops = r.listening("ops")
		if r.ops == "" {
			return false
		}
	}
	resp, err := client.Get("http://" + r.ops + "/readyz")
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// listening reads the address the process logged for one of its
// listeners ("ops" or "web"); "" until it has.
func (r *replica) listening(service string) string {
	b, err := os.ReadFile(r.log)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		var rec struct{ Msg, Service, Addr string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" && rec.Service == service {
			return rec.Addr
		}
	}
	return ""
}

// noteConn remembers which emulator connection the replica opened: the
// one live connection no other replica has, if there is exactly one.
func (w *world) noteConn(r *replica) {
	w.mu.Lock()
	defer w.mu.Unlock()
	known := map[string]bool{}
	for _, o := range w.replicas {
		known[o.conn] = true
	}
	var fresh []string
	for _, c := range w.dt.LiveConnections() {
		if !known[c.ID] {
			fresh = append(fresh, c.ID)
		}
	}
	if len(fresh) == 1 {
		r.conn = fresh[0]
	}
}

func (r *replica) alive() bool {
	select {
	case <-r.done:
		return false
	default:
		return true
	}
}

// kill is kill -9: no drain, no goodbye.
func (r *replica) kill() {
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.done
}

// term sends SIGTERM and returns the exit code once the process is gone.
func (r *replica) term(within time.Duration) (int, error) {
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
		return r.exit, nil
	case <-time.After(within):
		return -1, errors.New(r.name + " still running after SIGTERM")
	}
}

// stopAll ends every replica still running: SIGTERM, then SIGKILL.
func (w *world) stopAll() {
	w.mu.Lock()
	rs := append([]*replica(nil), w.replicas...)
	w.mu.Unlock()
	for _, r := range rs {
		if r.alive() {
			_ = r.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	for _, r := range rs {
		select {
		case <-r.done:
		case <-time.After(15 * time.Second):
			r.kill()
		}
	}
}

// entries reads the replica's JSON log lines (others are skipped).
func (r *replica) entries() []map[string]any {
	f, err := os.Open(r.log)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var e map[string]any
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e)
		}
	}
	return out
}

// logged counts the replica's log entries with message msg.
func (r *replica) logged(msg string) int {
	n := 0
	for _, e := range r.entries() {
		if e["msg"] == msg {
			n++
		}
	}
	return n
}

// tail is the last n lines of the replica's log.
func (r *replica) tail(n int) string {
	b, _ := os.ReadFile(r.log)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// dump logs each replica's log tail, for a failed test.
func (w *world) dump() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, r := range w.replicas {
		w.t.Logf("--- %s (%s) log tail:\n%s", r.name, r.id, r.tail(60))
	}
}
