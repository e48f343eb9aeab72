// Package clitest builds the dingops binary for tests that run it as a
// process, with exactly the Dockerfile's go build line, so the tests run
// what ships. Only tests import it.
package clitest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// RepoRoot is the module root (where go.mod, the Dockerfile and the README
// are).
func RepoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}

var buildLine = regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0 go build .*)$`)

// DockerBuildLine is the go build command of the Dockerfile's build stage.
func DockerBuildLine(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		return "", err
	}
	m := buildLine.FindStringSubmatch(string(b))
	if m == nil {
		return "", errors.New("the Dockerfile has no RUN CGO_ENABLED=0 go build line")
	}
	return m[1], nil
}

// Build runs the Dockerfile's build line with its output (/out/dingops)
// pointed at bin and ${VERSION} set to version; on failure the error holds
// the compiler's output.
func Build(bin, version string) error {
	root, err := RepoRoot()
	if err != nil {
		return err
	}
	line, err := DockerBuildLine(root)
	if err != nil {
		return err
	}
	cmd := exec.Command("sh", "-c", strings.ReplaceAll(strings.ReplaceAll(line, "/out/dingops", bin), "${VERSION}", version))
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building dingops: %w\n%s", err, out)
	}
	return nil
}
