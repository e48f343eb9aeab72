package dingtalkemu

import (
	"net/http"
	"time"
)

// token is an issued access token.
type token struct {
	clientID string
	expires  time.Time
}

// accessToken is POST /v1.0/oauth2/accessToken. Like DingTalk, a request
// within a token's validity gets the same token, with its validity renewed.
func (s *Server) accessToken(c *call) (any, *Fault) {
	var req struct {
		AppKey    string `json:"appKey"`
		AppSecret string `json:"appSecret"`
	}
	if f := c.decode(&req); f != nil {
		return nil, f
	}
	if req.AppKey == "" || req.AppSecret == "" {
		return nil, invalid("MissingParameter", "appKey and appSecret are mandatory")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.st.apps[req.AppKey]
	if !ok || app.ClientSecret != req.AppSecret {
		// DingTalk's exact code for bad credentials is not documented.
		return nil, &Fault{http.StatusBadRequest, "invalidClientIdOrSecret", "无效的clientId或clientSecret"}
	}
	now := s.now()
	tok, ok := s.st.tokenByApp[app.ClientID]
	if t, live := s.st.tokens[tok]; !ok || !live || !now.Before(t.expires) {
		tok = "emu" + randomID(16)
	}
	s.st.tokens[tok] = token{clientID: app.ClientID, expires: now.Add(s.opts.TokenTTL)}
	s.st.tokenByApp[app.ClientID] = tok
	return map[string]any{"accessToken": tok, "expireIn": int64(s.opts.TokenTTL / time.Second)}, nil
}

// checkToken returns the app a token belongs to, or DingTalk's
// InvalidAuthentication. Call with s.mu held.
func (s *Server) checkToken(tok string) (string, *Fault) {
	t, ok := s.st.tokens[tok]
	if !ok || !s.now().Before(t.expires) {
		return "", faultAuth
	}
	return t.clientID, nil
}

// RevokeTokens invalidates every issued access token, so the next calls
// get InvalidAuthentication until the client fetches a new one.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.st.tokens)
	clear(s.st.tokenByApp)
}

// TokensIssued counts access-token requests that succeeded.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.st.requests {
		if r.Path == "/v1.0/oauth2/accessToken" && r.Status == http.StatusOK {
			n++
		}
	}
	return n
}
