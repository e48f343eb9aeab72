package oss_test

import (
	"context"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	ossdeploy "github.com/dingops/dingops/adapters/oss"
	"github.com/dingops/dingops/adapters/oss/cdnemu"
	"github.com/dingops/dingops/adapters/oss/ossemu"
	"github.com/dingops/dingops/core"
)

const (
	testAK      = "LTAIdingops"
	testSecret  = "dingops-secret"
	testBucket  = "web-static"
	testRegion  = "cn-hangzhou"
	fixedKey    = "web/manifest.json"
	hashPattern = "web/manifest.*.json"
	immutable   = "public, max-age=31536000, immutable"
)

// fixture is an OSS emulator with two hashed manifests and a deployer
// over the real SDK.
type fixture struct {
	emu      *ossemu.Server
	cfg      ossdeploy.Config
	deployer *ossdeploy.Deployer
	a, b     core.Artifact
}

func newEmulator(t testing.TB) *ossemu.Server {
	t.Helper()
	emu := ossemu.New(ossemu.Options{Buckets: []string{testBucket}, Region: testRegion,
		Credentials: map[string]string{testAK: testSecret}})
	require.NoError(t, emu.Start())
	t.Cleanup(func() { _ = emu.Close() })
	return emu
}

func seedManifest(emu *ossemu.Server, hash string) core.Artifact {
	key := "web/manifest." + hash + ".json"
	o := emu.Seed(testBucket, key, []byte(`{"main":"assets/main.`+hash+`.js"}`),
		map[string][]string{"Content-Type": {"text/plain"}, "Cache-Control": {immutable}})
	return core.Artifact{Kind: core.TargetOSS, Ref: key, Digest: o.ETag[1 : len(o.ETag)-1], Display: hash}
}

func testConfig(emu *ossemu.Server) ossdeploy.Config {
	return ossdeploy.Config{App: "web", Endpoint: emu.URL(), Region: testRegion, Bucket: testBucket,
		AccessKeyID: testAK, AccessKeySecret: testSecret, ManifestKey: fixedKey, ManifestPattern: hashPattern,
		Timeout: 5 * time.Second, Backoff: time.Millisecond}
}

func newFixture(t testing.TB, mutate func(*ossdeploy.Config)) *fixture {
	t.Helper()
	emu := newEmulator(t)
	f := &fixture{emu: emu, cfg: testConfig(emu), a: seedManifest(emu, "3fa9c1"), b: seedManifest(emu, "77e0b2")}
	if mutate != nil {
		mutate(&f.cfg)
	}
	d, err := ossdeploy.Open(f.cfg)
	require.NoError(t, err)
	f.deployer = d
	return f
}

func newCDN(t testing.TB) *cdnemu.Server {
	t.Helper()
	s := cdnemu.New(cdnemu.Options{Credentials: map[string]string{"LTAIcdn": "cdn-secret"},
		Domains: []string{"static.example.com"}})
	require.NoError(t, s.Start())
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// sdkBucket is a bare SDK bucket client on the emulator, for benchmarks
// and for looking at what the deployer left.
func sdkBucket(t testing.TB, emu *ossemu.Server) *oss.Bucket {
	t.Helper()
	c, err := oss.New(emu.URL(), testAK, testSecret, oss.AuthVersion(oss.AuthV4), oss.Region(testRegion))
	require.NoError(t, err)
	b, err := c.Bucket(testBucket)
	require.NoError(t, err)
	return b
}

func deploy(t testing.TB, d core.Deployer, a core.Artifact, id core.ReleaseID) error {
	t.Helper()
	return d.Deploy(context.Background(), core.DeployRequest{App: "web", ReleaseID: id, Version: int(id),
		Kind: core.KindRelease, Artifact: a})
}
