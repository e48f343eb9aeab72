package cdnemu

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// progress is a task's Status and Process as DescribeRefreshTaskById
// words them: Complete, Refreshing or Failed, and a percentage
// (help.aliyun.com/zh/cdn/api-describerefreshtaskbyid). A task is
// Refreshing until Options.RefreshTime after it was submitted.
func (s *Server) progress(t Task) (status, process string) {
	d := s.opts.RefreshTime
	elapsed := s.now().Sub(t.At)
	if d <= 0 || elapsed >= d {
		return "Complete", "100%"
	}
	return "Refreshing", strconv.Itoa(int(99*elapsed/d)) + "%"
}

// refreshedSince reports whether a refresh task naming url took effect
// after since (a copy fetched then is stale).
func (s *Server) refreshedSince(url string, since time.Time) bool {
	for _, t := range s.Tasks() {
		if st, _ := s.progress(t); st != "Complete" || !t.At.Add(s.opts.RefreshTime).After(since) {
			continue
		}
		for _, p := range t.Paths {
			if strings.TrimPrefix(strings.TrimPrefix(p, "https://"), "http://") == url {
				return true
			}
		}
	}
	return false
}

// Edge is a CDN node in front of an origin: a GET is answered from its
// cached copy of the path, fetched from the origin on first use and again
// only once a refresh task naming the URL (host and path) has completed,
// so until then users get the stale object, as from a real node that
// ignores the origin's no-cache under a console cache rule.
type Edge struct {
	s      *Server
	origin string // e.g. http://127.0.0.1:1234/bucket
	host   string // the accelerated domain refresh tasks name
	client *http.Client

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	at     time.Time
	status int
	header http.Header
	body   []byte
}

// Edge makes a node for the accelerated domain host, fetching from origin.
func (s *Server) Edge(host, origin string) *Edge {
	return &Edge{s: s, origin: strings.TrimRight(origin, "/"), host: host, client: &http.Client{Timeout: 10 * time.Second},
		cache: map[string]cached{}}
}

func (e *Edge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	c, err := e.copyOf(r.URL.Path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.Header().Set("X-Cache", "HIT TCP_MEM_HIT dirn:-2:-2") // shape only; not a verified Alibaba Cloud value
	w.WriteHeader(c.status)
	if r.Method == http.MethodGet {
		_, _ = w.Write(c.body)
	}
}

// copyOf is the cached copy of path, fetched when there is none or a
// refresh of its URL completed after it was fetched.
func (e *Edge) copyOf(path string) (cached, error) {
	e.mu.Lock()
	c, ok := e.cache[path]
	e.mu.Unlock()
	if ok && !e.s.refreshedSince(e.host+path, c.at) {
		return c, nil
	}
	at := e.s.now()
	resp, err := e.client.Get(e.origin + path)
	if err != nil {
		return cached{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return cached{}, err
	}
	c = cached{at: at, status: resp.StatusCode, header: resp.Header.Clone(), body: body}
	e.mu.Lock()
	e.cache[path] = c
	e.mu.Unlock()
	return c, nil
}
