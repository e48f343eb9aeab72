package git

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"
)

// passedEnv are the variables git may need from the process environment:
// finding programs, reaching the network through a proxy, trusting a
// company CA. Everything else is left out so nothing else can change how
// git behaves or leak into it.
var passedEnv = []string{
	"PATH", "HOME", "TMPDIR",
	"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
	"NO_PROXY", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSL_CAINFO", "GIT_SSL_CAPATH",
}

// baseEnv is the environment of every git command. The fixed settings
// come last, so a passed-through variable cannot override them.
func (c *Checker) baseEnv() []string {
	var env []string
	seen := map[string]bool{}
	for _, name := range append(append([]string{}, passedEnv...), c.cfg.PassEnv...) {
		if seen[name] || strings.HasPrefix(name, "GIT_CONFIG") {
			continue
		}
		seen[name] = true
		if v, ok := c.cfg.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	env = append(env,
		"LC_ALL=C",
		"GIT_TERMINAL_PROMPT=0", // fail instead of waiting for a password
		"GIT_ASKPASS=",
		"SSH_ASKPASS=",
		// Only transports a repository of ours can use: no ext::, no fd::.
		"GIT_ALLOW_PROTOCOL=file:git:http:https:ssh",
	)
	if !c.cfg.InheritGitConfig {
		env = append(env, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	}
	return env
}

// fetchEnv adds the repository's credentials to the environment of a fetch.
// A token travels as config given through GIT_CONFIG_COUNT, which git reads
// like -c but which is neither in argv nor written to the mirror's config.
// It returns the secrets to redact from anything git prints.
func (c *Checker) fetchEnv(r remote) (env, secrets []string, err error) {
	a := r.auth
	if key, _ := c.cfg.LookupEnv(a.SSHKeyEnv); a.SSHKeyEnv != "" && key == "" {
		return nil, nil, fmt.Errorf("reading SSH key path: environment variable %s is empty", a.SSHKeyEnv)
	}
	env = append(c.baseEnv(), "GIT_SSH_COMMAND="+c.sshCommand(a))
	if a.TokenEnv == "" {
		return env, nil, nil
	}
	token, _ := c.cfg.LookupEnv(a.TokenEnv)
	if token == "" {
		return nil, nil, fmt.Errorf("reading token: environment variable %s is empty", a.TokenEnv)
	}
	user := a.User
	if user == "" {
		user = DefaultTokenUser
	}
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + token))
	// Scoped to the repository URL, so a redirect to another host does not
	// receive the header.
	env = append(env, "GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=http."+r.url+".extraHeader",
		"GIT_CONFIG_VALUE_0=Authorization: Basic "+basic)
	return env, []string{token, basic}, nil
}

// sshCommand is the ssh git runs: never interactive, offering only the
// configured key. git runs it through a shell, hence the quoting.
func (c *Checker) sshCommand(a RepoAuth) string {
	strict := a.StrictHostKeyChecking
	if strict == "" {
		strict = "yes"
	}
	parts := []string{"ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=" + strict}
	if a.KnownHostsFile != "" {
		parts = append(parts, "-o", shellQuote("UserKnownHostsFile="+a.KnownHostsFile))
	}
	if a.SSHKeyEnv != "" {
		key, _ := c.cfg.LookupEnv(a.SSHKeyEnv)
		parts = append(parts, "-i", shellQuote(key), "-o", "IdentitiesOnly=yes")
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// redact removes secrets from text git printed.
func redact(text string, secrets []string) string {
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, "[redacted]")
		}
	}
	return text
}
