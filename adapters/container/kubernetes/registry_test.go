package kubernetes

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/container/kubernetes/imageref"
	"github.com/dingops/dingops/adapters/container/kubesim"
)

func registryCheck(t *testing.T, opts kubesim.RegistryOptions, cfg RegistryConfig) (*kubesim.Registry, error) {
	t.Helper()
	reg, err := kubesim.NewRegistry(opts)
	require.NoError(t, err)
	require.NoError(t, reg.Start())
	t.Cleanup(func() { _ = reg.Close() })
	cfg.Endpoint = reg.URL()
	ref, err := imageref.Parse("reg.example/team/web:v1")
	require.NoError(t, err)
	_, err = newRegistryClient(cfg).digest(context.Background(), ref)
	return reg, err
}

func TestRegistryAnonymous(t *testing.T) {
	reg, err := registryCheck(t, kubesim.RegistryOptions{Images: []string{"team/web:v1"}}, RegistryConfig{})
	require.NoError(t, err)
	reqs := reg.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodHead, reqs[0].Method)
	assert.Equal(t, "/v2/team/web/manifests/v1", reqs[0].Path)
	for _, mt := range []string{"application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
		"application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json"} {
		assert.Contains(t, reqs[0].Accept, mt)
	}
}

func TestRegistryBasic(t *testing.T) {
	opts := kubesim.RegistryOptions{Images: []string{"team/web:v1"}, Auth: kubesim.AuthBasic, Username: "u", Password: "p"}
	_, err := registryCheck(t, opts, RegistryConfig{Username: "u", Password: "p"})
	require.NoError(t, err)
	_, err = registryCheck(t, opts, RegistryConfig{Username: "u", Password: "wrong"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refused to show reg.example/team/web:v1 (HTTP 401): check the registry credentials")
	assert.NotContains(t, err.Error(), "wrong", "no secret in errors")
}

func TestRegistryTokenFlow(t *testing.T) {
	opts := kubesim.RegistryOptions{Images: []string{"team/web:v1"}, Auth: kubesim.AuthToken, Username: "u", Password: "p"}
	reg, err := registryCheck(t, opts, RegistryConfig{Username: "u", Password: "p"})
	require.NoError(t, err)
	var seen []string
	for _, r := range reg.Requests() {
		seen = append(seen, r.Method+" "+r.Path+" "+r.Auth)
	}
	assert.Equal(t, []string{"HEAD /v2/team/web/manifests/v1 basic", "GET /token basic",
		"HEAD /v2/team/web/manifests/v1 bearer"}, seen)

	_, err = registryCheck(t, opts, RegistryConfig{Username: "u", Password: "wrong"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "getting a registry token from 127.0.0.1")

	_, err = registryCheck(t, opts, RegistryConfig{Token: "not-issued"})
	require.Error(t, err, "a static token is sent as is")
	assert.Contains(t, err.Error(), "HTTP 401")

	anon := kubesim.RegistryOptions{Images: []string{"team/web:v1"}, Auth: kubesim.AuthToken}
	_, err = registryCheck(t, anon, RegistryConfig{})
	require.NoError(t, err, "anonymous tokens, as for public Docker Hub images")
}

func TestRegistryUnavailable(t *testing.T) {
	reg, err := kubesim.NewRegistry(kubesim.RegistryOptions{Images: []string{"team/web:v1"}})
	require.NoError(t, err)
	reg.FailNext(http.StatusServiceUnavailable)
	require.NoError(t, reg.Start())
	t.Cleanup(func() { _ = reg.Close() })
	ref, _ := imageref.Parse("team/web:v1")
	_, err = newRegistryClient(RegistryConfig{Endpoint: reg.URL() + "/"}).digest(context.Background(), ref)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "answered HTTP 503 for team/web:v1")

	require.NoError(t, reg.Close())
	_, err = newRegistryClient(RegistryConfig{Endpoint: reg.URL()}).digest(context.Background(), ref)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "looking up team/web:v1 in the registry")
}

func TestRegistryBase(t *testing.T) {
	c := newRegistryClient(RegistryConfig{})
	for in, want := range map[string]string{
		"nginx":                  "https://registry-1.docker.io",
		"reg.example:5000/a/b:1": "https://reg.example:5000",
	} {
		ref, err := imageref.Parse(in)
		require.NoError(t, err)
		assert.Equal(t, want, c.base(ref))
	}
	ref, _ := imageref.Parse("localhost:5000/web")
	assert.Equal(t, "http://localhost:5000", newRegistryClient(RegistryConfig{PlainHTTP: true}).base(ref))
}

func TestParseChallenge(t *testing.T) {
	tests := []struct {
		in     string
		scheme string
		params map[string]string
	}{
		{`Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"`,
			"bearer", map[string]string{"realm": "https://auth.docker.io/token", "service": "registry.docker.io",
				"scope": "repository:library/nginx:pull"}},
		{`Bearer realm="https://a/t", scope="repository:x:pull,push"`, "bearer",
			map[string]string{"realm": "https://a/t", "scope": "repository:x:pull,push"}},
		{`Basic realm="Registry Realm"`, "basic", map[string]string{"realm": "Registry Realm"}},
		{`Bearer realm=unquoted,service="a \"q\""`, "bearer", map[string]string{"realm": "unquoted", "service": `a "q"`}},
		{``, "", map[string]string{}},
		{`Bearer realm="unterminated`, "bearer", map[string]string{"realm": "unterminated"}},
	}
	for _, tt := range tests {
		t.Run(strings.SplitN(tt.in, " ", 2)[0], func(t *testing.T) {
			scheme, params := parseChallenge(tt.in)
			assert.Equal(t, tt.scheme, scheme)
			assert.Equal(t, tt.params, params)
		})
	}
}

func TestTokenURL(t *testing.T) {
	ref, _ := imageref.Parse("nginx:1")
	u, err := tokenURL(map[string]string{"realm": "https://auth.example/token?x=1", "service": "reg"}, ref)
	require.NoError(t, err)
	assert.Equal(t, "https://auth.example/token?scope=repository%3Alibrary%2Fnginx%3Apull&service=reg&x=1", u.String())
	for _, realm := range []string{"", "ftp://auth.example/token", "::"} {
		_, err := tokenURL(map[string]string{"realm": realm}, ref)
		assert.Error(t, err, realm)
	}
}
