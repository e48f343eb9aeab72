package jenkins

import (
	"fmt"
	"strings"

	"github.com/dingops/dingops/core"
)

// declaresOptions refuses a build whose release options the job does not
// declare as parameters: Jenkins drops undeclared parameters of
// buildWithParameters silently, and the build would run without them.
// Options are sent under their declared names (docs/jenkins.md).
func (j jobInfo) declaresOptions(job string, opts []core.OptionValue) error {
	var missing []string
	for _, o := range opts {
		if !j.declares(o.Name) {
			missing = append(missing, o.Name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("job %s does not declare the parameters %s of the app's release options: Jenkins would drop them; "+
		"add them to the job (a Jenkinsfile's parameters are registered by its first run)", job, strings.Join(missing, ", "))
}
