package core

import (
	"slices"
	"strings"
	"unicode"

	"github.com/dingops/dingops/core/levenshtein"
)

// Option types (docs/options.md).
const (
	OptionString = "string"
	OptionBool   = "bool"
	OptionChoice = "choice"
)

// Refusal codes of release options.
const (
	CodeOptionUnknown    Code = "option_unknown"
	CodeOptionDidYouMean Code = "option_did_you_mean" // unknown, but near a declared one
	CodeOptionsNone      Code = "options_none"        // the app declares no options
	CodeOptionBadValue   Code = "option_bad_value"
	CodeOptionMissing    Code = "option_missing"
	CodeOptionDuplicate  Code = "option_duplicate"
)

// maxOptionValue bounds a string option's value: it becomes a build
// parameter and an environment variable, and is shown on the card.
const maxOptionValue = 200

// OptionSpec is one release option an app declares.
type OptionSpec struct {
	Name        string
	Type        string // OptionString, OptionBool or OptionChoice
	Default     string
	Allowed     []string // the choices of a choice option
	Required    bool
	Description string
}

// OptionValue is one option's value as a release carries it.
type OptionValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ResolveOptions checks the given options against specs and returns every
// declared option that has a value or a default, in declaration order.
// All problems are reported together; nothing is returned with them.
func ResolveOptions(app string, specs []OptionSpec, given []OptionValue) ([]OptionValue, *Refusal) {
	r := &Refusal{}
	byName := readGiven(r, app, specs, given)
	var out []OptionValue
	for _, s := range specs {
		v, ok := byName[s.Name]
		if !ok {
			v = s.Default
		}
		if v == "" && s.Required {
			r.Add(CodeOptionMissing, "app", app, "key", s.Name, "allowed", s.allowed())
		}
		if v != "" {
			out = append(out, OptionValue{Name: s.Name, Value: v})
		}
	}
	if len(r.Reasons) > 0 {
		return nil, r
	}
	return out, nil
}

// readGiven checks each given option's key and value, adding to r what
// is wrong, and returns the canonical values by name.
func readGiven(r *Refusal, app string, specs []OptionSpec, given []OptionValue) map[string]string {
	byName := map[string]string{}
	for _, g := range given {
		i := slices.IndexFunc(specs, func(s OptionSpec) bool { return s.Name == g.Name })
		_, dup := byName[g.Name]
		switch {
		case i < 0:
			code, near := CodeOptionUnknown, closestOption(g.Name, specs)
			if near != "" {
				code = CodeOptionDidYouMean
			} else if len(specs) == 0 {
				code = CodeOptionsNone
			}
			r.Add(code, "app", app, "key", g.Name, "suggest", near, "known", optionNames(specs))
		case dup:
			r.Add(CodeOptionDuplicate, "key", g.Name)
		default:
			v, ok := specs[i].normalise(g.Value)
			if !ok {
				r.Add(CodeOptionBadValue, "key", g.Name, "value", g.Value, "allowed", specs[i].allowed())
				v = "\x00" // given (not missing), and never used: r refuses
			}
			byName[g.Name] = v
		}
	}
	return byName
}

// normalise checks v against the spec's type and returns its canonical form.
func (s OptionSpec) normalise(v string) (string, bool) {
	switch s.Type {
	case OptionBool:
		switch strings.ToLower(v) {
		case "true", "yes", "on", "1":
			return "true", true
		case "false", "no", "off", "0":
			return "false", true
		}
		return "", false
	case OptionChoice:
		return v, slices.Contains(s.Allowed, v)
	}
	if v == "" || len(v) > maxOptionValue || strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return "", false
	}
	return v, true
}

// allowed describes the values the option takes, for messages and help.
func (s OptionSpec) allowed() string {
	switch s.Type {
	case OptionBool:
		return "true | false"
	case OptionChoice:
		return strings.Join(s.Allowed, " | ")
	}
	return "text ≤ 200"
}

// AllowedText is the option's allowed values rendered for help.
func (s OptionSpec) AllowedText() string { return s.allowed() }

func optionNames(specs []OptionSpec) string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}

// closestOption is the declared name nearest to key, if near enough.
func closestOption(key string, specs []OptionSpec) string {
	best, dist := "", 3
	for _, s := range specs {
		if d := levenshtein.Distance(strings.ToLower(key), strings.ToLower(s.Name)); d < dist {
			best, dist = s.Name, d
		}
	}
	return best
}
