package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// configCheck runs `dingops config check` on text with no secrets in the
// environment; it returns stderr (the problems), stdout (the summary) and
// the exit status.
func configCheck(t *testing.T, text string) (problems, summary string, code int) {
	bin := build(t)
	path := filepath.Join(t.TempDir(), "dingops.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	cmd := exec.Command(bin, "config", "check", "--config", path)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	var stderr, stdout strings.Builder
	cmd.Stderr, cmd.Stdout = &stderr, &stdout
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return strings.ReplaceAll(stderr.String(), path, "dingops.yaml"), stdout.String(), code
}

// lineOf is the 1-based line of text holding s.
func lineOf(t *testing.T, text, s string) string {
	i := strings.Index(text, s)
	require.GreaterOrEqual(t, i, 0, "the config has %q", s)
	return strconv.Itoa(strings.Count(text[:i], "\n") + 1)
}

func exampleConfig(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "configs", "example.yaml"))
	require.NoError(t, err)
	return string(b)
}

// TestConfigCheckNamesMissingSecrets: the documented example with no
// secrets set names each variable a component cannot work without, at
// its *_env line, as an error; optional ones are named warnings; the
// summary follows.
func TestConfigCheckNamesMissingSecrets(t *testing.T) {
	text := exampleConfig(t)
	problems, summary, code := configCheck(t, text)
	assert.Equal(t, 1, code)
	for _, want := range []struct{ key, env, what string }{
		{"client_secret_env: DINGOPS_DINGTALK_SECRET", "DINGOPS_DINGTALK_SECRET", "DingTalk"},
		{"token_env: DINGOPS_JENKINS_TOKEN", "DINGOPS_JENKINS_TOKEN", "Jenkins"},
		{"access_key_secret_env: DINGOPS_OSS_SECRET", "DINGOPS_OSS_SECRET", "app web"},
	} {
		assert.Contains(t, problems, "dingops.yaml:"+lineOf(t, text, want.key)+": ", want.env)
		assert.Contains(t, problems, "environment variable "+want.env+" is not set: "+want.what+" cannot work without it")
	}
	assert.NotContains(t, problems, "dingtalk: dingtalk:", "no doubled prefix")
	assert.NotContains(t, problems, "client id and client secret", "the missing secret is reported once, by its variable")
	assert.Contains(t, summary, "4 problem(s), listed above")
	assert.Contains(t, summary, "environment variable DINGOPS_API_TOKEN is not set", "optional secrets are warnings")
	assert.Contains(t, summary, "apps (4):")
	assert.LessOrEqual(t, strings.Count(summary, "\n"), 40, "one screen")
}

// TestConfigCheckListsEveryStage: a bad cron, bad window days, a period's
// weekday the calendar decides and a missing secret are all reported in
// one run, each at its own line, and the engine's stage still runs.
func TestConfigCheckListsEveryStage(t *testing.T) {
	text := exampleConfig(t)
	for _, r := range [][2]string{
		{`days: "1-4" `, `days: "1-9" `},
		{`schedule: "0 17 * * *"`, `schedule: "0 25 * * *"`},
		{`start: "0 10 * * *"`, `start: "0 10 * * 6"`},
	} {
		require.Contains(t, text, r[0])
		text = strings.Replace(text, r[0], r[1], 1)
	}
	problems, summary, code := configCheck(t, text)
	assert.Equal(t, 1, code)
	for _, want := range []struct{ at, path string }{
		{`days: "1-9"`, "windows.api-night.days"},
		{`schedule: "0 25 * * *"`, "announcements.posts[2].schedule"},
		{`start: "0 10 * * 6"`, "windows.frontend-daytime.periods[0].start"},
		{"client_secret_env: DINGOPS_DINGTALK_SECRET", "dingtalk.client_secret_env"},
	} {
		assert.Contains(t, problems, "dingops.yaml:"+lineOf(t, text, want.at)+": "+want.path+": ")
	}
	assert.Contains(t, problems, "dingops.yaml: 7 problem(s)")
	assert.NotContains(t, problems, "windows.api-night:", "the days problem is not repeated at the window's key")
	assert.Contains(t, summary, "holiday data: until", "the engine's stage ran too")
}
