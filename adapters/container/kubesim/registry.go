package kubesim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"sync"

	"github.com/dingops/dingops/adapters/container/kubernetes/imageref"
)

// Registry auth modes.
const (
	AuthNone  = ""      // anonymous pulls
	AuthBasic = "basic" // HTTP basic credentials on every request
	AuthToken = "token" // Docker token flow: 401 + Bearer challenge, token from /token with basic credentials
)

// Media types the emulated registry stores and negotiates.
const (
	mediaOCIManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaOCIConfig   = "application/vnd.oci.image.config.v1+json"
)

// RegistryOptions configure a Registry.
type RegistryOptions struct {
	// Images are pushed at start ("reg.example/team/web:v1" or a
	// "…@sha256:…" reference).
	Images []string
	// Auth is AuthNone, AuthBasic or AuthToken; Username and Password are
	// the only credentials accepted.
	Auth               string
	Username, Password string
	Logger             *slog.Logger
}

// Registry is an image catalogue that the simulator consults (an image it
// does not hold cannot be pulled: ImagePullBackOff) and, once started, an
// OCI distribution API server on 127.0.0.1 that answers manifest HEAD/GET
// like a real registry, errors included. It holds one namespace of
// repositories: the registry host in a reference is ignored, so
// "reg.a/web" and "reg.b/web" are the same repository.
type Registry struct {
	opts RegistryOptions
	log  *slog.Logger

	mu        sync.Mutex
	repos     map[string]*repository // by Repository()
	requests  []RegistryRequest
	tokens    map[string]bool
	failNext  []int
	listener  net.Listener
	server    *http.Server
	serveDone chan struct{}
}

type repository struct {
	tags      map[string]string // tag → digest
	manifests map[string][]byte // digest → body
}

// RegistryRequest is one request the server received.
type RegistryRequest struct {
	Method string
	Path   string
	Accept string
	Auth   string // "", "basic" or "bearer": the scheme presented, never the secret
	Status int
}

// NewRegistry makes a catalogue holding opts.Images.
func NewRegistry(opts RegistryOptions) (*Registry, error) {
	switch opts.Auth {
	case AuthNone, AuthBasic, AuthToken:
	default:
		return nil, fmt.Errorf("creating registry: unknown auth mode %q", opts.Auth)
	}
	r := &Registry{opts: opts, log: discardIfNil(opts.Logger), repos: map[string]*repository{},
		tokens: map[string]bool{}}
	for _, img := range opts.Images {
		if _, err := r.Push(img); err != nil {
			return nil, fmt.Errorf("creating registry: %w", err)
		}
	}
	return r, nil
}

// Push stores an image and returns its manifest digest. A tag reference
// gets a synthesized OCI manifest whose sha256 is the digest, so the same
// image is also reachable as repo@digest. A digest reference is stored as
// given (its manifest body cannot hash to it; the sim does not care).
func (r *Registry) Push(image string) (string, error) {
	ref, err := imageref.Parse(image)
	if err != nil {
		return "", fmt.Errorf("pushing %s: %w", image, err)
	}
	body := manifestFor(ref)
	digest := ref.Digest
	if digest == "" {
		sum := sha256.Sum256(body)
		digest = "sha256:" + hex.EncodeToString(sum[:])
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	repo := r.repos[ref.Repository()]
	if repo == nil {
		repo = &repository{tags: map[string]string{}, manifests: map[string][]byte{}}
		r.repos[ref.Repository()] = repo
	}
	repo.manifests[digest] = body
	switch {
	case ref.Tag != "":
		repo.tags[ref.Tag] = digest
	case ref.Digest == "":
		repo.tags["latest"] = digest // a bare name is pushed as :latest
	}
	return digest, nil
}

// manifestFor is a minimal, valid OCI image manifest that differs per
// repository and tag.
func manifestFor(ref imageref.Ref) []byte {
	cfg := sha256.Sum256([]byte(ref.Repository() + ":" + ref.Reference()))
	return fmt.Appendf(nil, `{"schemaVersion":2,"mediaType":%q,"config":{"mediaType":%q,"digest":"sha256:%x","size":2},"layers":[]}`,
		mediaOCIManifest, mediaOCIConfig, cfg)
}

// Has reports whether image can be pulled: by digest when it has one (the
// runtime ignores the tag then), else by tag ("latest" when none).
func (r *Registry) Has(image string) bool {
	_, ok := r.Digest(image)
	return ok
}

// Digest is the manifest digest image resolves to.
func (r *Registry) Digest(image string) (string, bool) {
	ref, err := imageref.Parse(image)
	if err != nil {
		return "", false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lookup(ref.Repository(), ref.Reference())
}

// lookup resolves a tag or digest in a repository; r.mu is held.
func (r *Registry) lookup(repoName, reference string) (string, bool) {
	repo := r.repos[repoName]
	if repo == nil {
		return "", false
	}
	if imageref.ValidateDigest(reference) == nil {
		_, ok := repo.manifests[reference]
		return reference, ok
	}
	d, ok := repo.tags[reference]
	return d, ok
}

// Images lists every stored reference as "repository:tag" and
// "repository@digest", sorted.
func (r *Registry) Images() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for name, repo := range r.repos {
		for tag := range repo.tags {
			out = append(out, name+":"+tag)
		}
		for d := range repo.manifests {
			out = append(out, name+"@"+d)
		}
	}
	sort.Strings(out)
	return out
}

// Requests returns the requests the server received, oldest first.
func (r *Registry) Requests() []RegistryRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RegistryRequest(nil), r.requests...)
}

// FailNext makes the next API requests answer status (for example 503),
// one status per request, in order.
func (r *Registry) FailNext(status ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failNext = append(r.failNext, status...)
}

// Start serves the distribution API on 127.0.0.1 on a free port.
func (r *Registry) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("starting registry: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.server != nil {
		_ = ln.Close()
		return fmt.Errorf("starting registry: already started")
	}
	r.listener, r.server, r.serveDone = ln, &http.Server{Handler: r.handler()}, make(chan struct{})
	go func(srv *http.Server, done chan struct{}) {
		defer close(done)
		_ = srv.Serve(ln)
	}(r.server, r.serveDone)
	return nil
}

// URL is the server's base URL ("http://127.0.0.1:PORT"); empty before Start.
func (r *Registry) URL() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.listener == nil {
		return ""
	}
	return "http://" + r.listener.Addr().String()
}

// Close stops the server, if started.
func (r *Registry) Close() error {
	r.mu.Lock()
	srv, done := r.server, r.serveDone
	r.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Close()
	<-done
	return err
}

func discardIfNil(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
