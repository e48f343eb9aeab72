package cli_test

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAuditExportsShellIdentity runs every kind of shell action against
// the demo configuration and checks both exports: each row made from the
// shell carries the OS user beside the staff id (approve and reject too:
// those are what `--as` could impersonate), and rows about no release
// (a manual lock, a refusal) have an empty release, not 0.
func TestAuditExportsShellIdentity(t *testing.T) {
	root := repoRoot(t)
	bin := build(t)
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "configs"), 0o755))
	demo, err := os.ReadFile(filepath.Join(root, "configs", "demo.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "configs", "demo.yaml"), demo, 0o644))
	me, err := user.Current()
	require.NoError(t, err)
	run := func(ok bool, args ...string) {
		cmd := exec.Command(bin, append(args[:1:1], append([]string{"--config", "configs/demo.yaml"}, args[1:]...)...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if ok {
			require.NoError(t, err, "%v: %s", args, out)
		}
	}
	run(true, "migrate")
	for _, v := range []string{"1", "2", "3"} {
		run(true, "record", "--app", "web", "--artifact", "registry.example.com/web:v"+v, "--by", "alice")
	}
	run(true, "chat", "--as", "alice", "/rollback web v2 首页白屏")          // #4 request
	run(true, "chat", "--as", "bob", "/reject 4 先别回，看看日志")               // reject
	run(true, "chat", "--as", "alice", "/rollback web v1 --urgent 支付失败") // #5 request, urgent_override
	run(true, "chat", "--as", "alice", "/cancel 5")                      // cancel
	run(false, "chat", "--as", "dave", "/rollback web v2")               // refusal: not permitted
	run(true, "chat", "--as", "alice", "/lock web 大促冻结")                 // lock
	run(true, "chat", "--as", "alice", "/unlock web")                    // unlock
	run(true, "chat", "--as", "alice", "/rollback web v2 再试一次")          // #6 request
	run(true, "chat", "--as", "bob", "/approve 6")                       // approve, then the system's transitions

	rows := exportCSV(t, bin, dir)
	lines := exportJSON(t, bin, dir)
	require.Len(t, lines, len(rows), "the same events in both exports")
	kinds := map[string]bool{}
	for i, row := range rows {
		js := lines[i]
		kinds[row["kind"]] = true
		assert.Equal(t, row["os_user"], js["os_user"], "row %d", i)
		if row["origin"] == "shell" {
			assert.Equal(t, me.Username, row["os_user"], "%s by %s from the shell", row["kind"], row["actor"])
		}
		if row["release"] == "" {
			assert.Nil(t, js["release"], "no release is null in JSON: %v", js)
		} else {
			assert.NotContains(t, []string{"0"}, row["release"])
			assert.Equal(t, row["release"], jsonNumber(js["release"]))
		}
	}
	for _, k := range []string{"record", "request", "reject", "urgent_override", "cancel", "refusal", "lock", "unlock",
		"approve", "transition"} {
		assert.True(t, kinds[k], "the exports have a %s row", k)
	}
	lock := find(rows, "lock", "alice")
	require.NotNil(t, lock)
	assert.Empty(t, lock["release"], "a manual lock is about no release")
	reject := find(rows, "reject", "bob")
	require.NotNil(t, reject)
	assert.Equal(t, "先别回，看看日志", reject["detail"])
}

func exportCSV(t *testing.T, bin, dir string) []map[string]string {
	cmd := exec.Command(bin, "audit", "--config", "configs/demo.yaml", "--since", "2000-01-01", "--format", "csv")
	cmd.Dir = dir
	out, err := cmd.Output()
	require.NoError(t, err)
	recs, err := csv.NewReader(strings.NewReader(string(out))).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func exportJSON(t *testing.T, bin, dir string) []map[string]any {
	cmd := exec.Command(bin, "audit", "--config", "configs/demo.yaml", "--since", "2000-01-01", "--format", "json")
	cmd.Dir = dir
	out, err := cmd.Output()
	require.NoError(t, err)
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		lines = append(lines, m)
	}
	return lines
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func find(rows []map[string]string, kind, actor string) map[string]string {
	for _, r := range rows {
		if r["kind"] == kind && r["actor"] == actor {
			return r
		}
	}
	return nil
}
