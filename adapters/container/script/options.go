package script

import (
	"strings"

	"github.com/dingops/dingops/core"
)

// optionEnv passes a release's options to the command as
// DINGOPS_OPT_<NAME>=value, the name upper-cased (configuration allows
// letters, digits and "_" in option names and refuses two that differ in
// case only, so every option has its own variable).
func optionEnv(opts []core.OptionValue) []string {
	out := make([]string, 0, len(opts))
	for _, o := range opts {
		out = append(out, "DINGOPS_OPT_"+strings.ToUpper(o.Name)+"="+o.Value)
	}
	return out
}
