package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dingops/dingops/core"
)

// sessionTTL is how long a dashboard sign-in lasts.
const sessionTTL = 12 * time.Hour

// AuditLogout is the audit kind of a dashboard sign-out. It is also the
// revocation list every replica reads: the store is what replicas share,
// so a cookie copied before the sign-out stops working on all of them.
const AuditLogout core.AuditKind = "dashboard_logout"

// sessions issues and checks dashboard cookies. A cookie is
// "v2.<id>.<expiry>.<mac>": a random id, its expiry in Unix seconds and
// a MAC keyed by the token over both — it grants reading the dashboard,
// leaks nothing that works on the API, and dies with a token change, at
// its expiry, or when its id is signed out.
type sessions struct {
	token   string
	clock   core.Clock
	records Records
	mu      sync.Mutex
	revoked map[string]time.Time // ids signed out here, until their expiry
}

func newSessions(token string, clock core.Clock, records Records) *sessions {
	return &sessions{token: token, clock: clock, records: records, revoked: map[string]time.Time{}}
}

func (s *sessions) mac(id string, exp int64) string {
	m := hmac.New(sha256.New, []byte(s.token))
	fmt.Fprintf(m, "dingops dashboard session v2\x00%s\x00%d", id, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// issue is a new cookie value.
func (s *sessions) issue() string {
	id, exp := randomHex(16), s.clock.Now().Add(sessionTTL).Unix()
	return "v2." + id + "." + strconv.FormatInt(exp, 10) + "." + s.mac(id, exp)
}

// parse checks the MAC and the expiry of a cookie value and returns its
// id and expiry; ok is false for anything else.
func (s *sessions) parse(value string) (string, time.Time, bool) {
	parts := strings.Split(value, ".")
	if len(parts) != 4 || parts[0] != "v2" || len(parts[1]) != 32 {
		return "", time.Time{}, false
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || !hmac.Equal([]byte(parts[3]), []byte(s.mac(parts[1], exp))) {
		return "", time.Time{}, false
	}
	at := time.Unix(exp, 0)
	if !s.clock.Now().Before(at) {
		return "", time.Time{}, false
	}
	return parts[1], at, true
}

// valid says whether a cookie value is a live session; an error is the
// store failing, and the session is then refused (fail closed).
func (s *sessions) valid(ctx context.Context, value string) (bool, error) {
	id, exp, ok := s.parse(value)
	if !ok {
		return false, nil
	}
	s.mu.Lock()
	_, gone := s.revoked[id]
	s.mu.Unlock()
	if gone {
		return false, nil
	}
	// A sign-out of this id is at or after its issue: read only those.
	evs, err := s.records.Audit(ctx, core.AuditFilter{Kind: AuditLogout, Since: exp.Add(-sessionTTL)})
	if err != nil {
		return false, fmt.Errorf("reading dashboard sign-outs: %w", err)
	}
	for _, ev := range evs {
		if ev.Detail == logoutDetail(id) {
			s.remember(id, exp)
			return false, nil
		}
	}
	return true, nil
}

// revoke signs a session out for every replica; a value that is no live
// session needs nothing.
func (s *sessions) revoke(ctx context.Context, value string) error {
	id, exp, ok := s.parse(value)
	if !ok {
		return nil
	}
	s.remember(id, exp)
	ev := core.AuditEvent{At: s.clock.Now(), Actor: "dashboard", Kind: AuditLogout, Origin: core.OriginAPI, Detail: logoutDetail(id)}
	if err := s.records.Append(ctx, ev); err != nil {
		return fmt.Errorf("recording a dashboard sign-out: %w", err)
	}
	return nil
}

func (s *sessions) remember(id string, exp time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	for k, until := range s.revoked {
		if !now.Before(until) {
			delete(s.revoked, k)
		}
	}
	s.revoked[id] = exp
}

// logoutDetail is the audit detail naming a signed-out session id (the id
// alone grants nothing: the cookie also needs the MAC).
func logoutDetail(id string) string { return "dashboard session " + id + " signed out" }
