// Package ossemu is an emulator of Alibaba Cloud OSS that the unmodified
// aliyun-oss-go-sdk talks to: path-style and virtual-hosted requests, V1 and
// V4 signatures verified byte for byte, PutObject, GetObject, HeadObject,
// CopyObject, DeleteObject and ListObjectsV2 with OSS's error XML. Tests and
// `dingops playground` run it; a round-trip delay, fault injection, a request
// log and inspection methods make the deploy path observable.
package ossemu

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/dingops/dingops/adapters/emu"
)

// Options configure a Server.
type Options struct {
	// Buckets exist from the start (3–63 characters of [a-z0-9-]).
	Buckets []string
	// Credentials maps AccessKeyId to secret; requests signed with another
	// key are refused with InvalidAccessKeyId.
	Credentials map[string]string
	// Region is the V4 signing region required ("" accepts any non-empty one).
	Region string
	// Domain is the endpoint host of virtual-hosted requests, e.g.
	// "oss-cn-hangzhou.aliyuncs.com": a Host "bkt.<Domain>" names bucket bkt.
	// Without it a Host whose first label is an existing bucket is taken as
	// virtual-hosted.
	Domain string
	// PublicRead lets unsigned GET and HEAD of objects through, like a
	// public-read bucket (a browser loading the manifest).
	PublicRead bool
	// Delay is added to every request before it is answered (a round trip).
	Delay time.Duration
	// Clock stamps Last-Modified; nil means the wall clock. core.Clock fits.
	Clock interface{ Now() time.Time }
	// Addr is the listen address of Start; "" means 127.0.0.1:0.
	Addr string
	// MaxLog is how many requests the log keeps (default 1000).
	MaxLog int
	// Logger receives one debug line per request; nil discards.
	Logger *slog.Logger
}

// Server is an OSS emulator. Its zero value is not usable; call New.
type Server struct {
	opts     Options
	base     *emu.Server
	log      *slog.Logger
	idPrefix string
	faults   *emu.Faults[Fault]
	requests *emu.Log[Request]

	mu      sync.Mutex
	buckets map[string]map[string]*object
	creds   map[string]string
	denied  map[string]bool // RAM actions the credentials lack (Deny)
}

// New makes a server with opts; it serves once Start is called (or when
// mounted as an http.Handler).
func New(opts Options) *Server {
	base := emu.NewServer(emu.ServerConfig{Name: "ossemu", Addr: opts.Addr, Delay: opts.Delay, Clock: opts.Clock,
		Logger: opts.Logger})
	s := &Server{opts: opts, base: base, log: base.Log, idPrefix: emu.RandomHex(4), faults: emu.NewFaults(faultCount),
		requests: emu.NewLog[Request](opts.MaxLog), buckets: map[string]map[string]*object{}, creds: map[string]string{}}
	for _, b := range opts.Buckets {
		s.buckets[b] = map[string]*object{}
	}
	for ak, sk := range opts.Credentials {
		s.creds[ak] = sk
	}
	return s
}

// Start listens on Options.Addr and serves in the background.
func (s *Server) Start() error { return s.base.Serve(s) }

// Addr is the host:port the server listens on ("" before Start).
func (s *Server) Addr() string { return s.base.Addr() }

// URL is the endpoint to give oss.New, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.base.URL() }

// Close stops serving and releases requests held by a hang fault.
func (s *Server) Close() error { return s.base.Close() }

// SetDelay changes the round-trip delay for the requests that follow.
func (s *Server) SetDelay(d time.Duration) { s.base.SetDelay(d) }

// Delay is the current round-trip delay.
func (s *Server) Delay() time.Duration { return s.base.Delay() }

// AddCredential lets requests signed by ak with secret in.
func (s *Server) AddCredential(ak, secret string) {
	s.mu.Lock()
	s.creds[ak] = secret
	s.mu.Unlock()
}

// CreateBucket makes an empty bucket (a no-op if it exists).
func (s *Server) CreateBucket(name string) {
	s.mu.Lock()
	if s.buckets[name] == nil {
		s.buckets[name] = map[string]*object{}
	}
	s.mu.Unlock()
}

// ServeHTTP answers one OSS request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := s.newCall(w, r)
	defer s.record(c)
	if !s.base.Hold(r.Context()) {
		return
	}
	if f, ok := s.faults.Take(func(f Fault) bool { return f.Op == "" || f.Op == c.op }); ok {
		s.applyFault(c, f)
		return
	}
	if e := s.authorize(c); e != nil {
		c.fail(e)
		return
	}
	s.dispatch(c)
}

func (s *Server) dispatch(c *call) {
	switch c.op {
	case OpPutObject:
		s.putObject(c)
	case OpCopyObject:
		s.copyObject(c)
	case OpGetObject, OpHeadObject, OpGetObjectMeta:
		s.readObject(c)
	case OpDeleteObject:
		s.deleteObject(c)
	case OpListObjectsV2:
		s.listObjectsV2(c)
	default:
		c.fail(&apiError{status: http.StatusNotImplemented, code: "NotImplemented",
			message: "The emulator does not implement " + c.r.Method + " on this resource."})
	}
}

func (s *Server) now() time.Time { return s.base.Now() }

func (s *Server) nextRequestID() string { return fmt.Sprintf("%s%016X", s.idPrefix, s.base.Next()) }
