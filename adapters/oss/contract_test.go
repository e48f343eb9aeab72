package oss_test

import (
	"testing"

	"github.com/dingops/dingops/adapters/deploytest"
	"github.com/dingops/dingops/adapters/oss/ossemu"
	"github.com/dingops/dingops/core"
)

func TestDeployerContract(t *testing.T) {
	deploytest.Run(t, func(t *testing.T) deploytest.Harness {
		f := newFixture(t, nil)
		return deploytest.Harness{
			Deployer:  f.deployer,
			App:       "web",
			Artifacts: [2]core.Artifact{f.a, f.b},
			Missing:   core.Artifact{Kind: core.TargetOSS, Ref: "web/manifest.000000.json", Display: "000000"},
			FailNext: func(cause string) {
				// As many 5xx as the deployer has attempts, so the retries
				// are used up and the failure surfaces.
				f.emu.InjectFault(ossemu.Fault{Op: ossemu.OpCopyObject, Count: 3, Status: 503, Code: cause,
					Message: "injected by the contract suite"})
			},
			HangNext: func() { f.emu.InjectFault(ossemu.Fault{Op: ossemu.OpCopyObject, Hang: true}) },
			// Every attempt lands and none is answered.
			LandNext: func() { f.emu.InjectFault(ossemu.Fault{Op: ossemu.OpCopyObject, Count: 3, Applied: true}) },
		}
	})
}
