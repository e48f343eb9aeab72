package cdnemu

import (
	"net/url"
	"slices"
)

// Tasks returns the refresh tasks received, oldest first.
func (s *Server) Tasks() []Task {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Task, len(s.tasks))
	for i, t := range s.tasks {
		t.Paths = slices.Clone(t.Paths)
		out[i] = t
	}
	return out
}

// Refreshed lists every path refreshed so far, in order.
func (s *Server) Refreshed() []string {
	var out []string
	for _, t := range s.Tasks() {
		out = append(out, t.Paths...)
	}
	return out
}

// Requests returns the logged requests, oldest first.
func (s *Server) Requests() []Request {
	return s.requests.List(func(r Request) Request { r.Params = cloneValues(r.Params); return r })
}

// Reset forgets tasks and logged requests.
func (s *Server) Reset() {
	s.mu.Lock()
	s.tasks = nil
	s.mu.Unlock()
	s.requests.Reset()
}

// AddCredential lets requests signed by ak with secret in.
func (s *Server) AddCredential(ak, secret string) {
	s.mu.Lock()
	s.creds[ak] = secret
	s.mu.Unlock()
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vals := range v {
		out[k] = slices.Clone(vals)
	}
	return out
}
