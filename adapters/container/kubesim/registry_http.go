package kubesim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// registryService is the service name the token flow uses.
const registryService = "kubesim-registry"

// registryError is one entry of the distribution API's error body.
type registryError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Detail  any    `json:"detail,omitempty"`
}

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (r *Registry) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		r.serve(rec, req)
		r.mu.Lock()
		r.requests = append(r.requests, RegistryRequest{Method: req.Method, Path: req.URL.Path,
			Accept: strings.Join(req.Header.Values("Accept"), ","), Auth: authScheme(req), Status: rec.status})
		r.mu.Unlock()
		r.log.Debug("registry request", "method", req.Method, "path", req.URL.Path, "status", rec.status)
	})
}

func (r *Registry) serve(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path == "/token" {
		r.serveToken(w, req)
		return
	}
	if !strings.HasPrefix(req.URL.Path, "/v2/") {
		http.NotFound(w, req)
		return
	}
	if status, ok := r.takeFault(); ok {
		writeErrors(w, status, registryError{Code: "UNAVAILABLE", Message: "service unavailable"})
		return
	}
	name, kind, reference := splitAPIPath(req.URL.Path)
	if !r.authorized(req) {
		r.challenge(w, name)
		return
	}
	switch kind {
	case "base":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	case "manifests":
		r.serveManifest(w, req, name, reference)
	case "tags":
		r.serveTags(w, name)
	default:
		writeErrors(w, http.StatusNotFound, registryError{Code: "NOT_FOUND", Message: "no such endpoint"})
	}
}

// splitAPIPath splits /v2/<name>/manifests/<reference> and
// /v2/<name>/tags/list; a repository name may contain slashes.
func splitAPIPath(path string) (name, kind, reference string) {
	rest := strings.TrimPrefix(path, "/v2/")
	if rest == "" {
		return "", "base", ""
	}
	if n, ok := strings.CutSuffix(rest, "/tags/list"); ok {
		return n, "tags", ""
	}
	if i := strings.LastIndex(rest, "/manifests/"); i > 0 {
		return rest[:i], "manifests", rest[i+len("/manifests/"):]
	}
	return "", "", ""
}

func (r *Registry) serveManifest(w http.ResponseWriter, req *http.Request, name, reference string) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		writeErrors(w, http.StatusMethodNotAllowed, registryError{Code: "UNSUPPORTED", Message: "The operation is unsupported."})
		return
	}
	r.mu.Lock()
	_, repoKnown := r.repos[name]
	digest, ok := r.lookup(name, reference)
	var body []byte
	if ok {
		body = r.repos[name].manifests[digest]
	}
	r.mu.Unlock()
	switch {
	case !repoKnown:
		writeErrors(w, http.StatusNotFound, registryError{Code: "NAME_UNKNOWN",
			Message: "repository name not known to registry", Detail: map[string]string{"name": name}})
	case !ok:
		writeErrors(w, http.StatusNotFound, registryError{Code: "MANIFEST_UNKNOWN",
			Message: "manifest unknown", Detail: map[string]string{"Tag": reference}})
	case !acceptsOCI(req):
		// What distribution answers when the client cannot take the stored type.
		writeErrors(w, http.StatusNotFound, registryError{Code: "MANIFEST_UNKNOWN",
			Message: "OCI manifest found, but accept header does not support OCI manifests"})
	default:
		w.Header().Set("Content-Type", mediaOCIManifest)
		w.Header().Set("Docker-Content-Digest", digest)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if req.Method == http.MethodGet {
			_, _ = w.Write(body)
		}
	}
}

func acceptsOCI(req *http.Request) bool {
	for _, v := range req.Header.Values("Accept") {
		for _, part := range strings.Split(v, ",") {
			mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
			if mt == mediaOCIManifest || mt == "*/*" {
				return true
			}
		}
	}
	return false
}

func (r *Registry) serveTags(w http.ResponseWriter, name string) {
	r.mu.Lock()
	repo := r.repos[name]
	var tags []string
	if repo != nil {
		for t := range repo.tags {
			tags = append(tags, t)
		}
	}
	r.mu.Unlock()
	if repo == nil {
		writeErrors(w, http.StatusNotFound, registryError{Code: "NAME_UNKNOWN",
			Message: "repository name not known to registry", Detail: map[string]string{"name": name}})
		return
	}
	sort.Strings(tags)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"name": name, "tags": tags})
}

// authorized checks the request against the auth mode: basic credentials,
// or a bearer token this registry issued.
func (r *Registry) authorized(req *http.Request) bool {
	switch r.opts.Auth {
	case AuthBasic:
		u, p, ok := req.BasicAuth()
		return ok && u == r.opts.Username && p == r.opts.Password
	case AuthToken:
		tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
		r.mu.Lock()
		defer r.mu.Unlock()
		return ok && r.tokens[tok]
	}
	return true
}

func (r *Registry) challenge(w http.ResponseWriter, name string) {
	if r.opts.Auth == AuthBasic {
		w.Header().Set("WWW-Authenticate", `Basic realm="kubesim-registry"`)
	} else {
		ch := fmt.Sprintf(`Bearer realm="%s/token",service="%s"`, r.URL(), registryService)
		if name != "" {
			ch += fmt.Sprintf(`,scope="repository:%s:pull"`, name)
		}
		w.Header().Set("WWW-Authenticate", ch)
	}
	writeErrors(w, http.StatusUnauthorized, registryError{Code: "UNAUTHORIZED", Message: "authentication required"})
}

// serveToken is the token endpoint of the Docker token flow: it checks the
// basic credentials (anonymous when the registry has none) and issues a
// random bearer token.
func (r *Registry) serveToken(w http.ResponseWriter, req *http.Request) {
	if r.opts.Auth != AuthToken || req.URL.Query().Get("service") != registryService {
		writeErrors(w, http.StatusBadRequest, registryError{Code: "UNSUPPORTED", Message: "bad token request"})
		return
	}
	u, p, _ := req.BasicAuth()
	if r.opts.Username != "" && (u != r.opts.Username || p != r.opts.Password) {
		writeErrors(w, http.StatusUnauthorized, registryError{Code: "UNAUTHORIZED", Message: "incorrect username or password"})
		return
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	r.mu.Lock()
	r.tokens[tok] = true
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"token": tok, "access_token": tok, "expires_in": 300})
}

func (r *Registry) takeFault() (int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.failNext) == 0 {
		return 0, false
	}
	s := r.failNext[0]
	r.failNext = r.failNext[1:]
	return s, true
}

func writeErrors(w http.ResponseWriter, status int, errs ...registryError) {
	body, _ := json.Marshal(map[string][]registryError{"errors": errs})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func authScheme(req *http.Request) string {
	scheme, _, _ := strings.Cut(req.Header.Get("Authorization"), " ")
	return strings.ToLower(scheme)
}
