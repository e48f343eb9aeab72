package system

import (
	"regexp"

	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
)

// releaseOptions maps an app's release_options to the engine's.
func releaseOptions(a *configs.App) []core.OptionSpec {
	out := make([]core.OptionSpec, 0, len(a.ReleaseOptions))
	for _, o := range a.ReleaseOptions {
		out = append(out, core.OptionSpec{Name: o.Name, Type: o.Type, Default: o.Default, Allowed: o.Allowed,
			Required: o.Required, Description: o.Description})
	}
	return out
}

// requirementPatterns are the app's patterns, then the global ones; config
// check compiled each already.
func requirementPatterns(lists ...[]configs.RequirementPattern) []core.RequirementPattern {
	var out []core.RequirementPattern
	for _, l := range lists {
		for _, r := range l {
			if re, err := regexp.Compile(r.Pattern); err == nil {
				out = append(out, core.RequirementPattern{Pattern: re, URL: r.URL})
			}
		}
	}
	return out
}
