package kubesim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ociAccept = "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"

func startRegistry(t *testing.T, opts RegistryOptions) *Registry {
	t.Helper()
	r, err := NewRegistry(opts)
	require.NoError(t, err)
	require.NoError(t, r.Start())
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func do(t *testing.T, method, url, accept string, auth func(*http.Request)) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if auth != nil {
		auth(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func errorCode(t *testing.T, body string) string {
	t.Helper()
	var e struct {
		Errors []registryError `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &e), body)
	require.NotEmpty(t, e.Errors)
	return e.Errors[0].Code
}

func TestRegistryCatalogue(t *testing.T) {
	r, err := NewRegistry(RegistryOptions{Images: []string{"reg.example/team/web:v1", "nginx"}})
	require.NoError(t, err)
	d, ok := r.Digest("other.host/team/web:v1")
	require.True(t, ok, "the registry host is ignored")
	assert.True(t, r.Has("reg.example/team/web@"+d), "a tag push is reachable by digest")
	assert.True(t, r.Has("docker.io/library/nginx:latest"), "Docker Hub spellings are the same image")
	assert.False(t, r.Has("reg.example/team/web:v2"))
	assert.False(t, r.Has("not a ref"))
	_, err = NewRegistry(RegistryOptions{Images: []string{"Bad Ref"}})
	require.Error(t, err)
	_, err = NewRegistry(RegistryOptions{Auth: "kerberos"})
	require.Error(t, err)
	assert.Contains(t, r.Images(), "team/web:v1")
}

func TestRegistryManifests(t *testing.T) {
	r := startRegistry(t, RegistryOptions{Images: []string{"reg.example/team/web:v1"}})
	digest, _ := r.Digest("team/web:v1")

	resp, body := do(t, http.MethodGet, r.URL()+"/v2/team/web/manifests/v1", ociAccept, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, digest, resp.Header.Get("Docker-Content-Digest"))
	assert.Equal(t, mediaOCIManifest, resp.Header.Get("Content-Type"))
	sum := sha256.Sum256([]byte(body))
	assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), digest, "the digest is the manifest's sha256")

	resp, body = do(t, http.MethodHead, r.URL()+"/v2/team/web/manifests/"+digest, ociAccept, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, body)

	resp, body = do(t, http.MethodGet, r.URL()+"/v2/team/web/manifests/v9", ociAccept, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "MANIFEST_UNKNOWN", errorCode(t, body))

	resp, body = do(t, http.MethodGet, r.URL()+"/v2/team/api/manifests/v1", ociAccept, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "NAME_UNKNOWN", errorCode(t, body))

	resp, body = do(t, http.MethodGet, r.URL()+"/v2/team/web/manifests/v1", "application/json", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "a client that cannot take OCI manifests")
	assert.Contains(t, body, "accept header does not support OCI manifests")

	resp, body = do(t, http.MethodGet, r.URL()+"/v2/team/web/tags/list", "", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"name":"team/web","tags":["v1"]}`, body)

	resp, _ = do(t, http.MethodDelete, r.URL()+"/v2/team/web/manifests/v1", ociAccept, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	r.FailNext(http.StatusServiceUnavailable)
	resp, body = do(t, http.MethodGet, r.URL()+"/v2/", "", nil)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "UNAVAILABLE", errorCode(t, body))
	resp, _ = do(t, http.MethodGet, r.URL()+"/v2/", "", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "registry/2.0", resp.Header.Get("Docker-Distribution-API-Version"))

	reqs := r.Requests()
	require.NotEmpty(t, reqs)
	assert.Equal(t, RegistryRequest{Method: "GET", Path: "/v2/team/web/manifests/v1", Accept: ociAccept, Status: 200}, reqs[0])
}

func TestRegistryBasicAuth(t *testing.T) {
	r := startRegistry(t, RegistryOptions{Images: []string{"team/web:v1"}, Auth: AuthBasic, Username: "u", Password: "p"})
	url := r.URL() + "/v2/team/web/manifests/v1"
	resp, body := do(t, http.MethodGet, url, ociAccept, nil)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, `Basic realm="kubesim-registry"`, resp.Header.Get("WWW-Authenticate"))
	assert.Equal(t, "UNAUTHORIZED", errorCode(t, body))
	resp, _ = do(t, http.MethodGet, url, ociAccept, func(r *http.Request) { r.SetBasicAuth("u", "wrong") })
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, _ = do(t, http.MethodGet, url, ociAccept, func(r *http.Request) { r.SetBasicAuth("u", "p") })
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "basic", r.Requests()[2].Auth)
}

func TestRegistryTokenAuth(t *testing.T) {
	r := startRegistry(t, RegistryOptions{Images: []string{"team/web:v1"}, Auth: AuthToken, Username: "u", Password: "p"})
	url := r.URL() + "/v2/team/web/manifests/v1"
	resp, _ := do(t, http.MethodHead, url, ociAccept, nil)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	ch := resp.Header.Get("WWW-Authenticate")
	assert.Equal(t, `Bearer realm="`+r.URL()+`/token",service="kubesim-registry",scope="repository:team/web:pull"`, ch)

	tokenURL := r.URL() + "/token?service=kubesim-registry&scope=repository:team/web:pull"
	resp, _ = do(t, http.MethodGet, tokenURL, "", nil)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the token endpoint wants the credentials")
	resp, body := do(t, http.MethodGet, tokenURL, "", func(r *http.Request) { r.SetBasicAuth("u", "p") })
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var tok struct{ Token string }
	require.NoError(t, json.Unmarshal([]byte(body), &tok))
	require.NotEmpty(t, tok.Token)

	resp, _ = do(t, http.MethodHead, url, ociAccept, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok.Token) })
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, _ = do(t, http.MethodHead, url, ociAccept, func(r *http.Request) { r.Header.Set("Authorization", "Bearer forged") })
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	for _, req := range r.Requests() {
		assert.False(t, strings.Contains(req.Auth, tok.Token), "the log never holds a secret")
	}
}

func TestRegistryStartClose(t *testing.T) {
	r, err := NewRegistry(RegistryOptions{})
	require.NoError(t, err)
	assert.Empty(t, r.URL())
	require.NoError(t, r.Close(), "closing an unstarted registry is harmless")
	require.NoError(t, r.Start())
	require.Error(t, r.Start())
	assert.True(t, strings.HasPrefix(r.URL(), "http://127.0.0.1:"))
	require.NoError(t, r.Close())
}
