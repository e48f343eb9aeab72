package system_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/dingops/dingops"

// TestImportRules keeps the dependency rules of docs/architecture.md:
// configs and the adapters never see the bot, the store or each other's
// configuration (configs sees only the dependency-free core/levenshtein);
// the store sees only core (and its dependency-free redactor, core/redact);
// and the assembly is imported
// only by the command line, the playground and main. (core's own rule is
// core's TestCoreImportsNoIO.) Test files are not counted.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...").CombinedOutput()
	require.NoError(t, err, string(out))
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			imp = strings.TrimPrefix(imp, module+"/")
			assert.True(t, allowed(pkg, imp), "%s must not import %s (docs/architecture.md, import rules)", pkg, imp)
		}
	}
}

func allowed(pkg, imp string) bool {
	under := func(p, root string) bool { return p == root || strings.HasPrefix(p, root+"/") }
	switch {
	case imp == "bot/system":
		return pkg == "" || pkg == "bot/cli" || pkg == "bot/playground"
	case under(pkg, "configs"):
		return under(imp, "configs") || imp == "core/levenshtein"
	case under(pkg, "store"):
		return under(imp, "store") || imp == "core" || imp == "core/redact"
	case under(pkg, "adapters"):
		return under(imp, "adapters") || imp == "core"
	}
	return true
}
