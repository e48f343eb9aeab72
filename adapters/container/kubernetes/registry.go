package kubernetes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dingops/dingops/adapters/container/kubernetes/imageref"
)

// RegistryConfig tells Check (and Resolve) how to ask an image registry
// whether an image exists, with the OCI distribution API.
type RegistryConfig struct {
	// Endpoint overrides where every image is looked up
	// ("https://mirror.example.com", "http://127.0.0.1:5000"). Empty: the
	// registry host named in the image (Docker Hub for none).
	Endpoint string
	// PlainHTTP uses http:// for the image's registry host (a registry
	// without TLS); ignored when Endpoint is set.
	PlainHTTP bool
	// Username and Password are sent as basic credentials, or to the token
	// endpoint a registry's Bearer challenge names. Empty: anonymous.
	Username string
	Password string
	// Token is a ready bearer token, used instead of the token flow.
	Token string
	// ResolveDigests makes Resolve fill in the digest of a tag reference.
	ResolveDigests bool
	// Client makes the requests (default: 30 s timeout).
	Client *http.Client
}

// manifestAccept lists the manifest types a registry may answer with:
// multi-platform indexes and single manifests, OCI and Docker.
const manifestAccept = "application/vnd.oci.image.index.v1+json, " +
	"application/vnd.oci.image.manifest.v1+json, " +
	"application/vnd.docker.distribution.manifest.list.v2+json, " +
	"application/vnd.docker.distribution.manifest.v2+json"

type registryClient struct {
	cfg  RegistryConfig
	http *http.Client
}

func newRegistryClient(cfg RegistryConfig) *registryClient {
	c := cfg.Client
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	return &registryClient{cfg: cfg, http: c}
}

// base is the registry's API root for ref.
func (c *registryClient) base(ref imageref.Ref) string {
	if c.cfg.Endpoint != "" {
		return strings.TrimSuffix(c.cfg.Endpoint, "/")
	}
	host := ref.Registry()
	if host == imageref.DockerHub {
		host = "registry-1.docker.io"
	}
	if c.cfg.PlainHTTP {
		return "http://" + host
	}
	return "https://" + host
}

// digest asks the registry for ref's manifest with HEAD and returns its
// digest. A missing image is an error that names the image.
func (c *registryClient) digest(ctx context.Context, ref imageref.Ref) (string, error) {
	u := c.base(ref) + "/v2/" + ref.Repository() + "/manifests/" + ref.Reference()
	resp, err := c.request(ctx, http.MethodHead, u, ref)
	if err != nil {
		return "", fmt.Errorf("looking up %s in the registry: %w", ref, err)
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
		got := resp.Header.Get("Docker-Content-Digest")
		if ref.Digest != "" && got != "" && got != ref.Digest {
			return "", fmt.Errorf("registry answered digest %s for %s", got, ref)
		}
		if got == "" {
			got = ref.Digest
		}
		return got, nil
	case resp.StatusCode == http.StatusNotFound:
		return "", fmt.Errorf("image %s is not in the registry at %s: %s", ref, c.base(ref), c.why(ctx, u, ref))
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return "", fmt.Errorf("registry at %s refused to show %s (HTTP %d): check the registry credentials",
			c.base(ref), ref, resp.StatusCode)
	}
	return "", fmt.Errorf("registry at %s answered HTTP %d for %s", c.base(ref), resp.StatusCode, ref)
}

// why fetches the error body a HEAD cannot carry ("manifest unknown",
// "repository name not known to registry").
func (c *registryClient) why(ctx context.Context, u string, ref imageref.Ref) string {
	resp, err := c.request(ctx, http.MethodGet, u, ref)
	if err != nil {
		return "not found"
	}
	defer resp.Body.Close()
	var body struct {
		Errors []struct{ Code, Message string } `json:"errors"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body) != nil || len(body.Errors) == 0 {
		return "not found"
	}
	return fmt.Sprintf("%s (%s)", body.Errors[0].Message, body.Errors[0].Code)
}

// request sends one request with the configured credentials and, on a
// Bearer challenge, fetches a token and sends it again once.
func (c *registryClient) request(ctx context.Context, method, u string, ref imageref.Ref) (*http.Response, error) {
	auth := ""
	switch {
	case c.cfg.Token != "":
		auth = "Bearer " + c.cfg.Token
	case c.cfg.Username != "":
		auth = basicAuth(c.cfg.Username, c.cfg.Password)
	}
	resp, err := c.send(ctx, method, u, auth)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || c.cfg.Token != "" {
		return resp, err
	}
	scheme, params := parseChallenge(resp.Header.Get("WWW-Authenticate"))
	if scheme != "bearer" {
		return resp, nil
	}
	resp.Body.Close()
	tok, err := c.token(ctx, params, ref)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, method, u, "Bearer "+tok)
}

func (c *registryClient) send(ctx context.Context, method, u, auth string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", manifestAccept)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return c.http.Do(req)
}

func basicAuth(user, pass string) string {
	r := &http.Request{Header: http.Header{}}
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

// token runs the Docker token flow: GET realm?service=…&scope=… with the
// basic credentials, if any, and read "token" (or "access_token").
func (c *registryClient) token(ctx context.Context, ch map[string]string, ref imageref.Ref) (string, error) {
	realm, err := tokenURL(ch, ref)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, realm.String(), nil)
	if err != nil {
		return "", err
	}
	if c.cfg.Username != "" {
		req.SetBasicAuth(c.cfg.Username, c.cfg.Password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("getting a registry token from %s: %w", realm.Host, err)
	}
	defer resp.Body.Close()
	var body struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("getting a registry token from %s: HTTP %d: check the registry credentials",
			realm.Host, resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil {
		return "", fmt.Errorf("decoding the registry token from %s: %w", realm.Host, err)
	}
	if body.Token == "" {
		body.Token = body.AccessToken
	}
	if body.Token == "" {
		return "", errors.New("registry token endpoint " + realm.Host + " returned no token")
	}
	return body.Token, nil
}

// tokenURL is the challenge's realm with its service and scope (pull on
// the image's repository when the registry names none).
func tokenURL(ch map[string]string, ref imageref.Ref) (*url.URL, error) {
	realm, err := url.Parse(ch["realm"])
	if err != nil || (realm.Scheme != "https" && realm.Scheme != "http") {
		return nil, fmt.Errorf("registry sent an unusable token realm %q", ch["realm"])
	}
	q := realm.Query()
	if s := ch["service"]; s != "" {
		q.Set("service", s)
	}
	scope := ch["scope"]
	if scope == "" {
		scope = "repository:" + ref.Repository() + ":pull"
	}
	q.Set("scope", scope)
	realm.RawQuery = q.Encode()
	return realm, nil
}

// parseChallenge splits a WWW-Authenticate value such as
// `Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull"`
// into its lower-cased scheme and auth-params (RFC 7235; quoted values may
// hold commas and backslash escapes).
func parseChallenge(h string) (string, map[string]string) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	params := map[string]string{}
	for {
		rest = strings.TrimLeft(rest, " ,")
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			break
		}
		var val string
		val, rest = authParamValue(strings.TrimLeft(after, " "))
		params[strings.ToLower(strings.TrimSpace(key))] = val
	}
	return strings.ToLower(scheme), params
}

// authParamValue reads a token or quoted-string and returns what follows.
func authParamValue(s string) (string, string) {
	if !strings.HasPrefix(s, `"`) {
		v, rest, _ := strings.Cut(s, ",")
		return strings.TrimSpace(v), rest
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), ""
}
