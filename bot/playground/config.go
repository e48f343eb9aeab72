package playground

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/dingops/dingops/configs"
)

// placeholder is ${NAME} in playground.yaml. $NAME without braces is left
// alone: it is how the configuration's own text speaks of variables.
var placeholder = regexp.MustCompile(`\$\{([A-Z][A-Z0-9_]*)\}`)

// expand replaces every ${NAME} of data with vars[NAME]; a name vars does
// not have is an error, so a typo in the file fails at start.
func expand(data []byte, vars map[string]string) ([]byte, error) {
	missing := map[string]bool{}
	out := placeholder.ReplaceAllFunc(data, func(m []byte) []byte {
		name := string(placeholder.FindSubmatch(m)[1])
		v, ok := vars[name]
		if !ok {
			missing[name] = true
			return m
		}
		return []byte(v)
	})
	if len(missing) > 0 {
		names := make([]string, 0, len(missing))
		for n := range missing {
			names = append(names, "${"+n+"}")
		}
		sort.Strings(names)
		return nil, fmt.Errorf("the playground configuration names unknown placeholders: %s", strings.Join(names, ", "))
	}
	return out, nil
}

// vars are the values of playground.yaml's placeholders: where this run's
// emulators, files and listener are.
func (p *Playground) vars(repo, kubeconfig string) map[string]string {
	e := p.emu
	return map[string]string{
		"PLAYGROUND_DB":        filepath.Join(p.dir, "dingops-playground.db"),
		"PLAYGROUND_MIRRORS":   filepath.Join(p.dir, "mirrors"),
		"PLAYGROUND_SPOOL":     filepath.Join(p.dir, "spool"),
		"PLAYGROUND_REPO":      repo,
		"DINGTALK_ENDPOINT":    e.dt.Addr(),
		"DINGTALK_STREAM_HOST": e.dt.URL(),
		"JENKINS_URL":          e.jenkins.URL(),
		"OSS_ENDPOINT":         e.oss.URL(),
		"KUBECONFIG_PATH":      kubeconfig,
		"REGISTRY_URL":         e.reg.URL(),
		"ARGOCD_URL":           e.argo.URL(),
	}
}

// loadConfig expands and parses playground.yaml. The secrets' variables
// come from the emulators' made-up secrets, then the process environment.
func (p *Playground) loadConfig(vars map[string]string, getenv func(string) string) (*configs.Config, error) {
	data, err := expand(configs.PlaygroundYAML(), vars)
	if err != nil {
		return nil, err
	}
	env := func(name string) string {
		if v, ok := p.emu.secrets[name]; ok {
			return v
		}
		if getenv == nil {
			return ""
		}
		return getenv(name)
	}
	cfg, probs, err := configs.Parse(data, "configs/playground.yaml", env)
	if err != nil {
		if probs != nil {
			return nil, fmt.Errorf("the playground configuration is invalid:\n%s", probs.Error())
		}
		return nil, err
	}
	return cfg, nil
}
