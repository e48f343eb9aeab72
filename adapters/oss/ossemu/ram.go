package ossemu

import "fmt"

// opActions is the RAM action each operation needs, after Alibaba Cloud's
// "RAM Policy actions for OSS" table: HeadObject and GetObjectMeta are
// authorised as oss:GetObject, CopyObject as oss:PutObject on the
// destination and oss:GetObject on the source.
var opActions = map[Op][]string{
	OpPutObject:     {"oss:PutObject"},
	OpCopyObject:    {"oss:PutObject", "oss:GetObject"},
	OpGetObject:     {"oss:GetObject"},
	OpHeadObject:    {"oss:GetObject"},
	OpGetObjectMeta: {"oss:GetObject"},
	OpDeleteObject:  {"oss:DeleteObject"},
	OpListObjectsV2: {"oss:ListObjects"},
}

// Deny makes the RAM policy of the emulator's credentials lack action (e.g.
// "oss:PutObject"): signed requests that need it answer 403 AccessDenied,
// as OSS does for a RAM user without the action. Allow gives it back.
func (s *Server) Deny(action string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.denied == nil {
		s.denied = map[string]bool{}
	}
	s.denied[action] = true
}

// Allow undoes Deny.
func (s *Server) Allow(action string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.denied, action)
}

// authorize is authenticate, then the RAM policy.
func (s *Server) authorize(c *call) *apiError {
	if e := s.authenticate(c); e != nil {
		return e
	}
	if c.rec.AccessKeyID == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range opActions[c.op] {
		if s.denied[a] {
			return errAccessDenied(fmt.Sprintf("You are forbidden to %s", a))
		}
	}
	return nil
}
