package oss_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ossdeploy "github.com/dingops/dingops/adapters/oss"
	"github.com/dingops/dingops/adapters/oss/cdnemu"
	"github.com/dingops/dingops/adapters/oss/ossemu"
	"github.com/dingops/dingops/core"
)

func TestDeployIsOneCopyThatReplacesMetadata(t *testing.T) {
	f := newFixture(t, nil)
	f.emu.ResetRequests()
	var log bytes.Buffer
	err := f.deployer.Deploy(context.Background(), core.DeployRequest{App: "web", ReleaseID: 57, Version: 12,
		Kind: core.KindRollback, Artifact: f.a, Log: &log})
	require.NoError(t, err)

	reqs := f.emu.Requests()
	require.Len(t, reqs, 1, "exactly one request on the wire")
	assert.Equal(t, ossemu.OpCopyObject, reqs[0].Op)
	assert.Equal(t, "REPLACE", reqs[0].Header.Get("X-Oss-Metadata-Directive"))
	assert.Equal(t, `"`+f.a.Digest+`"`, reqs[0].Header.Get("X-Oss-Copy-Source-If-Match"))

	fixed, ok := f.emu.Object(testBucket, fixedKey)
	require.True(t, ok)
	assert.Equal(t, "no-cache", fixed.Header.Get("Cache-Control"), "the immutable caching never reaches the fixed key")
	assert.Equal(t, "application/json", fixed.Header.Get("Content-Type"))
	assert.Equal(t, f.a.Ref, fixed.Header.Get("X-Oss-Meta-Dingops-Source"))
	assert.Equal(t, "57", fixed.Header.Get("X-Oss-Meta-Dingops-Release"))
	hashed, _ := f.emu.Object(testBucket, f.a.Ref)
	assert.Equal(t, immutable, hashed.Header.Get("Cache-Control"), "the hashed manifest is untouched")
	assert.Equal(t, hashed.Body, fixed.Body)
	assert.Contains(t, log.String(), "switched web/manifest.json to 3fa9c1")

	live, err := f.deployer.Live(context.Background())
	require.NoError(t, err)
	assert.Equal(t, core.Artifact{Kind: core.TargetOSS, Ref: f.a.Ref, Display: "3fa9c1"}, live,
		"named by the copy's metadata, not its ETag")
}

// TestLiveByMetadataNotETag: OSS documents no guarantee that a copy keeps
// its source's ETag, so a fixed key whose ETag differs from the hashed
// manifest's still reads as that manifest, by x-oss-meta-dingops-source.
func TestLiveByMetadataNotETag(t *testing.T) {
	f := newFixture(t, nil)
	f.emu.Seed(testBucket, fixedKey, []byte(`{"main":"same manifest, other bytes"}`), http.Header{
		"X-Oss-Meta-Dingops-Source": {f.a.Ref}, "X-Oss-Meta-Dingops-Release": {"57"}})
	live, err := f.deployer.Live(context.Background())
	require.NoError(t, err)
	assert.True(t, live.Same(f.a), "live %+v", live)
	assert.False(t, live.Same(f.b))
	assert.Equal(t, "3fa9c1", live.Label())
	landed, err := f.deployer.Landed(context.Background(), core.DeployRequest{App: "web", ReleaseID: 57, Artifact: f.a})
	require.NoError(t, err)
	assert.True(t, landed)
}

func TestCheckAndResolve(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	require.NoError(t, f.deployer.Check(ctx, f.a))
	require.NoError(t, f.deployer.Check(ctx, core.Artifact{Ref: f.a.Ref}), "no recorded digest: existence is enough")

	err := f.deployer.Check(ctx, core.Artifact{Ref: "web/manifest.dead00.json", Display: "dead00"})
	require.Error(t, err)
	for _, want := range []string{"web", "web/manifest.dead00.json", "does not exist", "NoSuchKey"} {
		assert.Contains(t, err.Error(), want)
	}

	changed := f.a
	changed.Digest = strings.Repeat("0", 32)
	err = f.deployer.Check(ctx, changed)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "changed since it was recorded")

	for _, ref := range []string{fixedKey, "web/index.html", "web/sub/manifest.x.json"} {
		err := f.deployer.Check(ctx, core.Artifact{Ref: ref})
		require.Error(t, err, ref)
		assert.Contains(t, err.Error(), ref)
		_, err = f.deployer.Resolve(ctx, ref)
		require.Error(t, err, ref)
	}

	got, err := f.deployer.Resolve(ctx, f.b.Ref)
	require.NoError(t, err)
	assert.Equal(t, f.b, got)
	_, err = f.deployer.Resolve(ctx, "web/manifest.dead00.json")
	assert.ErrorIs(t, err, core.ErrNotFound)
}

func TestDeployRefusesContentChangedSinceRecorded(t *testing.T) {
	f := newFixture(t, nil)
	stale := f.b
	stale.Digest = strings.Repeat("A", 32)
	err := deploy(t, f.deployer, stale, 3)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "changed since it was recorded")
	assert.Contains(t, err.Error(), "77e0b2")
	_, ok := f.emu.Object(testBucket, fixedKey)
	assert.False(t, ok, "nothing was switched")
}

func TestRetriesOnlyServerErrors(t *testing.T) {
	f := newFixture(t, nil)
	f.emu.InjectFault(ossemu.Fault{Op: ossemu.OpCopyObject, Count: 2, Status: 503, Code: "ServiceUnavailable"})
	f.emu.ResetRequests()
	require.NoError(t, deploy(t, f.deployer, f.a, 1))
	assert.Len(t, f.emu.Requests(), 3, "two 503s, then the copy")

	f.emu.InjectFault(ossemu.Fault{Op: ossemu.OpCopyObject, Status: 403, Code: "AccessDenied",
		Message: "You are forbidden to oss:PutObject."})
	f.emu.ResetRequests()
	err := deploy(t, f.deployer, f.b, 2)
	require.Error(t, err)
	reqs := f.emu.Requests()
	assert.Len(t, reqs, 1, "a 403 is not retried")
	for _, want := range []string{"web", "77e0b2", "AccessDenied", "HTTP 403", reqs[0].ID, "forbidden"} {
		assert.Contains(t, err.Error(), want)
	}

	f.emu.InjectFault(ossemu.Fault{Op: ossemu.OpHeadObject, Status: 500})
	live, err := f.deployer.Live(context.Background())
	require.NoError(t, err, "a HEAD is retried too")
	assert.True(t, live.Same(f.a))
}

func TestLiveOfAFixedKeyDingopsDidNotWrite(t *testing.T) {
	f := newFixture(t, nil)
	live, err := f.deployer.Live(context.Background())
	require.NoError(t, err)
	assert.True(t, live.IsZero(), "nothing live yet")

	o := f.emu.Seed(testBucket, fixedKey, []byte(`{"main":"hand-made"}`), nil)
	live, err = f.deployer.Live(context.Background())
	require.NoError(t, err)
	assert.Empty(t, live.Ref)
	assert.Equal(t, strings.Trim(o.ETag, `"`), live.Digest)
	assert.Contains(t, live.Display, "not switched by dingops")
}

func TestVirtualHostedV1(t *testing.T) {
	emu := ossemu.New(ossemu.Options{Buckets: []string{testBucket}, Domain: "oss-cn-hangzhou.aliyuncs.com",
		Credentials: map[string]string{testAK: testSecret}})
	require.NoError(t, emu.Start())
	t.Cleanup(func() { _ = emu.Close() })
	a := seedManifest(emu, "abc123")
	cfg := testConfig(emu)
	cfg.Endpoint, cfg.AuthVersion, cfg.Region = "http://oss-cn-hangzhou.aliyuncs.com", "v1", ""
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", emu.Addr())
	}
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: dial}}
	d, err := ossdeploy.Open(cfg)
	require.NoError(t, err)
	require.NoError(t, deploy(t, d, a, 1))
	reqs := emu.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "v1", reqs[0].Auth)
	assert.Equal(t, testBucket+".oss-cn-hangzhou.aliyuncs.com", reqs[0].Host)
}

func TestCDNRefreshAfterTheSwitch(t *testing.T) {
	cdn := newCDN(t)
	url := "https://static.example.com/web/manifest.json"
	f := newFixture(t, func(c *ossdeploy.Config) {
		c.CDN = &ossdeploy.CDNConfig{URL: url, Endpoint: cdn.Addr(), Protocol: "http",
			AccessKeyID: "LTAIcdn", AccessKeySecret: "cdn-secret"}
	})
	f.emu.ResetRequests()
	var log bytes.Buffer
	err := f.deployer.Deploy(context.Background(), core.DeployRequest{App: "web", ReleaseID: 9, Artifact: f.b, Log: &log})
	require.NoError(t, err)
	assert.Len(t, f.emu.Requests(), 1, "still one OSS request")
	assert.Equal(t, []string{url}, cdn.Refreshed())
	assert.Equal(t, "File", cdn.Tasks()[0].ObjectType)
	assert.Contains(t, log.String(), "CDN refresh of "+url+" submitted")

	cdn.InjectFault(cdnemu.Fault{Action: "RefreshObjectCaches", Status: 400, Code: "Throttling.User",
		Message: "Request was denied due to user flow control."})
	err = f.deployer.Deploy(context.Background(), core.DeployRequest{App: "web", ReleaseID: 10, Artifact: f.a})
	var cdnErr *ossdeploy.CDNRefreshError
	require.True(t, errors.As(err, &cdnErr), "got %v", err)
	assert.Contains(t, err.Error(), "the switch to 3fa9c1 (web/manifest.3fa9c1.json) succeeded")
	assert.Contains(t, err.Error(), "Throttling.User")
	live, err := f.deployer.Live(context.Background())
	require.NoError(t, err)
	assert.True(t, live.Same(f.a), "the switch stands")
}
