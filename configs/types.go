package configs

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a configuration file.
type Problem struct {
	Path    string // YAML path, e.g. apps.web.policy.rollback.expiry
	Line    int
	Message string
}

// Problems is every problem found, reported together.
type Problems struct {
	File     string
	List     []Problem
	Warnings []Problem
}

func (p *Problems) add(path string, line int, msg string) {
	p.List = append(p.List, Problem{Path: path, Line: line, Message: msg})
}

func (p *Problems) warn(path string, line int, msg string) {
	p.Warnings = append(p.Warnings, Problem{Path: path, Line: line, Message: msg})
}

func (p *Problems) sort() {
	for _, l := range [][]Problem{p.List, p.Warnings} {
		sort.SliceStable(l, func(i, j int) bool {
			if l[i].Line != l[j].Line {
				return l[i].Line < l[j].Line
			}
			return l[i].Path < l[j].Path
		})
	}
}

// Error lists every problem, one per line: "file:line: path: message".
func (p *Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s)\n", p.File, len(p.List))
	for _, x := range p.List {
		fmt.Fprintf(&b, "%s:%d: %s: %s\n", p.File, x.Line, x.Path, x.Message)
	}
	return strings.TrimRight(b.String(), "\n")
}

// Duration is a YAML duration such as "30s" or "2h30m".
type Duration time.Duration

// UnmarshalYAML parses Go duration syntax.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return fmt.Errorf("%q is not a duration (write e.g. 30s, 5m, 2h30m)", n.Value)
	}
	if v < 0 {
		return fmt.Errorf("%q must not be negative", n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration back in Go syntax.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Std is the time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// Zone is an IANA time zone name, loaded.
type Zone struct {
	Name string
	Loc  *time.Location
}

// UnmarshalYAML loads the zone.
func (z *Zone) UnmarshalYAML(n *yaml.Node) error {
	loc, err := time.LoadLocation(n.Value)
	if err != nil || n.Value == "" || n.Value == "Local" {
		return fmt.Errorf("%q is not an IANA time zone (write e.g. Asia/Shanghai)", n.Value)
	}
	*z = Zone{Name: n.Value, Loc: loc}
	return nil
}

// MarshalYAML writes the zone's name.
func (z Zone) MarshalYAML() (any, error) { return z.Name, nil }

// Date is a calendar day written 2006-01-02.
type Date struct{ time.Time }

// UnmarshalYAML parses the day.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	t, err := time.Parse(time.DateOnly, n.Value)
	if err != nil {
		return fmt.Errorf("%q is not a date (write YYYY-MM-DD)", n.Value)
	}
	d.Time = t
	return nil
}

// MarshalYAML writes the day.
func (d Date) MarshalYAML() (any, error) { return d.Format(time.DateOnly), nil }

// Secret is a value read from the environment variable the file names; it
// never prints its value.
type Secret struct {
	Env   string
	value string
}

// Value is the secret itself.
func (s Secret) Value() string { return s.value }

// Set reports whether the variable held a value.
func (s Secret) Set() bool { return s.value != "" }

// String redacts the value.
func (s Secret) String() string {
	if s.Env == "" {
		return ""
	}
	return "[redacted $" + s.Env + "]"
}

// GoString redacts the value in %#v too.
func (s Secret) GoString() string { return s.String() }

// MarshalYAML writes the redacted form.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// NewSecret makes a secret with a value, for tests and the playground.
func NewSecret(env, value string) Secret { return Secret{Env: env, value: value} }
