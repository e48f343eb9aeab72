// Package doctor runs `dingops doctor`: harmless checks against every
// outside system a configuration names, each answering ✓, ! (a warning) or
// ✗ with the exact fix. The checks themselves are built by bot/system (the
// one place adapters are made from configuration) out of the constructors
// here; this package owns the runner, the rendering and the fix texts.
package doctor

import (
	"context"
	"fmt"
	"strings"
)

// Status is a check's outcome.
type Status int

// The outcomes, worst last.
const (
	OK Status = iota
	Warn
	Fail
)

// Mark is the status's one-character sign.
func (s Status) Mark() string { return [...]string{"✓", "!", "✗"}[s] }

// String is the status's name in JSON.
func (s Status) String() string { return [...]string{"ok", "warning", "failed"}[s] }

// MarshalText writes the status's name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Check is one harmless probe.
type Check struct {
	Integration string // dingtalk, oss, kubernetes, argocd, jenkins, git, store, calendar
	Name        string // what is checked, e.g. "access token", "app web: fixed key"
	Tried       string // what the check does, e.g. "HEAD web/manifest.json"
	Run         func(ctx context.Context) Outcome
}

// Outcome is what a check found.
type Outcome struct {
	Status Status
	Detail string // what was seen
	Fix    string // for a failure or a warning: exactly what to change, and where
}

// Pass is a ✓ with what was seen.
func Pass(format string, a ...any) Outcome {
	return Outcome{Status: OK, Detail: fmt.Sprintf(format, a...)}
}

// Warning is a ! with its fix.
func Warning(detail, fix string) Outcome { return Outcome{Status: Warn, Detail: detail, Fix: fix} }

// Failed is a ✗ with its fix.
func Failed(detail, fix string) Outcome { return Outcome{Status: Fail, Detail: detail, Fix: fix} }

// FailedErr is a ✗ from an error, on one line.
func FailedErr(err error, fix string) Outcome { return Failed(OneLine(err.Error()), fix) }

// Result is a check that ran.
type Result struct {
	Integration string `json:"integration"`
	Name        string `json:"name"`
	Tried       string `json:"tried"`
	Status      Status `json:"status"`
	Detail      string `json:"detail,omitempty"`
	Fix         string `json:"fix,omitempty"`
}

// OneLine folds a multi-line message (an SDK's error) onto one line.
func OneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Static is a check whose outcome is known without I/O (a missing
// environment variable, a client that could not be built).
func Static(integration, name, tried string, o Outcome) Check {
	return Check{Integration: integration, Name: name, Tried: tried, Run: func(context.Context) Outcome { return o }}
}

// MissingEnv is the ✗ of a secret whose environment variable is unset or
// empty: it names the variable, never a value.
func MissingEnv(integration, name, path, env string) Check {
	return Static(integration, name, "read "+env, Failed(fmt.Sprintf("environment variable %s is not set or empty", env),
		fmt.Sprintf("export %s (the value for %s) in dingops's environment", env, path)))
}
