package configs

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ReleaseOption is one option an app's releases take (docs/options.md):
// `/release web feature/x env=staging`.
type ReleaseOption struct {
	Name        string   `yaml:"name"`
	Type        string   `yaml:"type"` // string (default), bool or choice
	Default     string   `yaml:"default"`
	Allowed     []string `yaml:"allowed"` // the values of a choice
	Required    bool     `yaml:"required"`
	Description string   `yaml:"description"`
}

// RequirementPattern recognises a requirement id in /branch and links it:
// "{id}" in URL becomes the id.
type RequirementPattern struct {
	Pattern string `yaml:"pattern"` // a Go regular expression, e.g. REQ-\d+
	URL     string `yaml:"url"`     // e.g. https://pm.example.com/req/{id}
}

// optionName: a Jenkins parameter name and, upper-cased, the tail of an
// environment variable name (DINGOPS_OPT_<NAME>).
var optionName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,39}$`)

func (v *validator) releaseOptions(p string, a *App) {
	seen := map[string]bool{}
	for i := range a.ReleaseOptions {
		o := &a.ReleaseOptions[i]
		op := p + ".release_options." + o.Name
		switch low := strings.ToLower(o.Name); {
		case !optionName.MatchString(o.Name):
			v.bad(op, "option name %q must start with a letter and hold only letters, digits and _ (at most 40)", o.Name)
		case strings.HasPrefix(low, "dingops_"):
			v.bad(op, "option names may not start with DINGOPS_ (the build's own parameters)")
		case seen[low]:
			v.bad(op, "is declared twice (names differing only in case count as the same)")
		}
		seen[strings.ToLower(o.Name)] = true
		v.releaseOption(op, o)
	}
	if len(a.ReleaseOptions) > 0 && a.JenkinsJob == "" {
		v.warn(p+".release_options", "only releases take options, and this app has no jenkins_job")
	}
}

func (v *validator) releaseOption(op string, o *ReleaseOption) {
	o.Type = def(o.Type, "string")
	if !v.oneOf(op+".type", o.Type, "string", "bool", "choice") {
		return
	}
	switch o.Type {
	case "choice":
		if len(o.Allowed) == 0 {
			v.bad(op+".allowed", "is required for a choice: list the values")
		}
		if o.Default != "" && !slices.Contains(o.Allowed, o.Default) {
			v.bad(op+".default", "%q is not one of allowed (%s)", o.Default, strings.Join(o.Allowed, ", "))
		}
	case "bool":
		if o.Default != "" && o.Default != "true" && o.Default != "false" {
			v.bad(op+".default", "%q: a bool's default is true or false", o.Default)
		}
		fallthrough
	default:
		if len(o.Allowed) > 0 {
			v.bad(op+".allowed", "only a choice has allowed values")
		}
	}
	if o.Required && o.Default != "" {
		v.warn(op+".required", "has no effect with a default")
	}
}

func (v *validator) requirementPatterns(p string, pats []RequirementPattern) {
	for i, r := range pats {
		rp := p + "." + strconv.Itoa(i)
		if r.Pattern == "" {
			v.bad(rp+".pattern", "is required")
		} else if _, err := regexp.Compile(r.Pattern); err != nil {
			v.bad(rp+".pattern", "is not a regular expression: %v", err)
		}
		if r.URL == "" || !strings.Contains(r.URL, "{id}") {
			v.bad(rp+".url", "is required and must contain {id} (where the id goes)")
		} else {
			v.httpURL(rp+".url", strings.ReplaceAll(r.URL, "{id}", "x"))
		}
	}
}
