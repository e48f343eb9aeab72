package configs

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"time"

	"go.yaml.in/yaml/v3"
)

// Getenv reads an environment variable; tests pass a map's lookup.
type Getenv func(string) string

// Load reads, decodes and validates the file at path. Secrets are read from
// the environment variables the file names. On failure the error is a
// *Problems listing every problem with its YAML path and line.
func Load(path string, getenv Getenv) (*Config, *Problems, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading configuration: %w", err)
	}
	return Parse(data, path, getenv)
}

// Parse is Load on bytes already read; name labels the problems.
func Parse(data []byte, name string, getenv Getenv) (*Config, *Problems, error) {
	cfg, probs := parse(data, name, getenv, false)
	if cfg == nil || len(probs.List) > 0 {
		return nil, probs, probs
	}
	return cfg, probs, nil
}

// Check is Load for `config check`: it returns the configuration even when
// it has problems (nil only when the file cannot be read as YAML), so the
// later stages can look at the rest of it, and a secret a component cannot
// work without is an error when its variable is unset, not a warning.
func Check(path string, getenv Getenv) (*Config, *Problems, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading configuration: %w", err)
	}
	cfg, probs := parse(data, path, getenv, true)
	return cfg, probs, nil
}

func parse(data []byte, name string, getenv Getenv, checking bool) (*Config, *Problems) {
	probs := &Problems{File: name}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		probs.add("", yamlLine(err), "is not valid YAML: "+cleanYAMLError(err))
		return nil, probs
	}
	cfg := &Config{}
	d := &decoder{errs: probs, lines: map[string]int{}}
	if len(root.Content) == 0 {
		probs.add("", 1, "the file is empty")
		return nil, probs
	}
	d.decode(&root, "", reflect.ValueOf(cfg).Elem())
	v := &validator{cfg: cfg, probs: probs, lines: d.lines, getenv: getenv, checking: checking}
	v.run()
	cfg.lines = d.lines
	probs.sort()
	return cfg, probs
}

func yamlLine(err error) int {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return 0
	}
	var line int
	if _, scanErr := fmt.Sscanf(cleanPrefix(err.Error()), "line %d:", &line); scanErr == nil {
		return line
	}
	return 1
}

func cleanPrefix(s string) string {
	const p = "yaml: "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// Zone returns the configured zone (Asia/Shanghai by default).
func (c *Config) Zone() *time.Location {
	if c.TimeZone.Loc == nil {
		return time.UTC
	}
	return c.TimeZone.Loc
}

// Problem makes a problem at path with its line, for checks done outside
// this package (bot/system compiles windows and schedules with the engine).
func (c *Config) Problem(path, msg string) Problem {
	v := &validator{lines: c.lines}
	return Problem{Path: path, Line: v.line(path), Message: msg}
}
