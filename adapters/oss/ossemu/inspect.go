package ossemu

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// Object is a stored object as inspection methods show it.
type Object struct {
	Bucket       string
	Key          string
	Body         []byte
	ETag         string // quoted upper-case hex MD5
	LastModified time.Time
	// Header is what GET and HEAD answer with: Content-Type, Cache-Control,
	// X-Oss-Meta-*, ETag, Content-Length, ….
	Header http.Header
}

func (o *object) view(bucket, key string) Object {
	h := http.Header{}
	writeObjectHeader(h, o)
	return Object{Bucket: bucket, Key: key, Body: append([]byte(nil), o.body...), ETag: o.etag,
		LastModified: o.modified, Header: h}
}

// Object returns the object at bucket/key, if it exists.
func (s *Server) Object(bucket, key string) (Object, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.buckets[bucket][key]
	if !ok {
		return Object{}, false
	}
	return o.view(bucket, key), true
}

// Keys lists the keys of bucket that start with prefix, sorted.
func (s *Server) Keys(bucket, prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k := range s.buckets[bucket] {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// Buckets lists the bucket names, sorted.
func (s *Server) Buckets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.buckets))
	for b := range s.buckets {
		names = append(names, b)
	}
	sort.Strings(names)
	return names
}

// Seed stores an object directly, without a request (the bucket is created
// if needed). header may carry Content-Type, Cache-Control and
// X-Oss-Meta-* as a PUT would.
func (s *Server) Seed(bucket, key string, body []byte, header http.Header) Object {
	if header == nil {
		header = http.Header{}
	}
	o := newObject(append([]byte(nil), body...), storedHeader(header), s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buckets[bucket] == nil {
		s.buckets[bucket] = map[string]*object{}
	}
	s.buckets[bucket][key] = o
	return o.view(bucket, key)
}

// Requests returns the logged requests, oldest first.
func (s *Server) Requests() []Request {
	return s.requests.List(func(r Request) Request { r.Header = r.Header.Clone(); return r })
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() { s.requests.Reset() }
