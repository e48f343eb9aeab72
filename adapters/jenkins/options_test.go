package jenkins

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/core"
)

func TestReleaseOptionsAreSentAsDeclaredParameters(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{})
	params := append(jenkinsemu.DingopsParameters(), "env", "cdn")
	require.NoError(t, e.emu.AddJob("web", jenkinsemu.JobOptions{Parameters: params,
		Outcome: jenkinsemu.Outcome{Artifact: artifactJSON}}))
	req := request("web", 9)
	req.Options = []core.OptionValue{{Name: "env", Value: "staging"}, {Name: "cdn", Value: "true"}}

	ref, err := e.b.Start(ctx(t), req)
	require.NoError(t, err)
	_, err = e.b.Wait(ctx(t), ref, &syncBuffer{})
	require.NoError(t, err)
	b, _ := e.emu.Build("web", 1)
	assert.Equal(t, "staging", b.Param("env"))
	assert.Equal(t, "true", b.Param("cdn"))
	assert.Equal(t, "9", b.Param(ParamReleaseID))
}

func TestAnUndeclaredOptionIsRefusedBeforeTriggering(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "web") // declares the DINGOPS_* parameters only
	req := request("web", 9)
	req.Options = []core.OptionValue{{Name: "env", Value: "staging"}}

	_, err := e.b.Start(ctx(t), req)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not declare the parameters env")
	assert.Empty(t, e.requests("/buildWithParameters"), "nothing was triggered")
}
