package dingtalkemu

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// Names of the gateway calls in Requests and for InjectError.
const (
	APIConnectionOpen = "gateway.ConnectionsOpen"
	APIConnect        = "gateway.Connect"
)

// Subscription is one (type, topic) a stream client registered.
type Subscription struct {
	Type  string `json:"type"`
	Topic string `json:"topic"`
}

// openRequest is the connection-open body the stream SDK sends.
type openRequest struct {
	ClientID      string            `json:"clientId"`
	ClientSecret  string            `json:"clientSecret"`
	Subscriptions []Subscription    `json:"subscriptions"`
	UA            string            `json:"ua"`
	LocalIP       string            `json:"localIp"`
	Extras        map[string]string `json:"extras"`
}

// ticket is a one-use credential for the websocket, valid TicketTTL.
type ticket struct {
	req    openRequest
	issued time.Time
}

var subscriptionTypes = map[string]bool{"SYSTEM": true, "EVENT": true, "CALLBACK": true}

// handleOpen is POST /v1.0/gateway/connections/open. Anything but 200 makes
// the SDK fail with the raw body as its error text.
func (s *Server) handleOpen(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	rid := randomID(16)
	resp, f := s.open(body)
	s.answer(w, r, APIConnectionOpen, body, rid, resp, f)
}

func (s *Server) open(body []byte) (any, *Fault) {
	var req openRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, invalid("InvalidParameter", "request body is not valid JSON: "+err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.takeFault(APIConnectionOpen); ok {
		return nil, &f.f
	}
	if time.Now().Before(s.st.refuseUntil) {
		return nil, &Fault{http.StatusServiceUnavailable, "ServiceUnavailable", "服务暂不可用，请稍后重试"}
	}
	app, ok := s.st.apps[req.ClientID]
	if req.ClientID == "" || req.ClientSecret == "" || !ok || app.ClientSecret != req.ClientSecret {
		return nil, &Fault{http.StatusUnauthorized, "InvalidAuthentication", "clientId或clientSecret不合法"}
	}
	for _, sub := range req.Subscriptions {
		if !subscriptionTypes[sub.Type] || sub.Topic == "" {
			return nil, invalid("InvalidParameter", "subscription type must be SYSTEM, EVENT or CALLBACK with a topic")
		}
	}
	t := randomID(8) + "-" + randomID(4) + "-" + randomID(4) + "-" + randomID(4) + "-" + randomID(12)
	s.st.tickets[t] = ticket{req: req, issued: s.now()}
	return map[string]string{"endpoint": "ws://" + s.Addr() + "/connect", "ticket": t}, nil
}

// RefuseConnections makes connection-open answer 503 for d (real time).
func (s *Server) RefuseConnections(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.refuseUntil = time.Now().Add(d)
}

// handleConnect is the websocket endpoint: the ticket is the only
// credential, usable once within TicketTTL.
func (s *Server) handleConnect(w http.ResponseWriter, r *http.Request) {
	t := r.URL.Query().Get("ticket")
	s.mu.Lock()
	tk, ok := s.st.tickets[t]
	delete(s.st.tickets, t)
	expired := ok && !s.now().Before(tk.issued.Add(s.opts.TicketTTL))
	s.mu.Unlock()
	if !ok || expired {
		reason := "ticket不存在或已使用"
		if expired {
			reason = "ticket已过期"
		}
		s.answer(w, r, APIConnect, nil, randomID(16), nil, &Fault{http.StatusUnauthorized, "InvalidTicket", reason})
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.record(r, APIConnect, nil, http.StatusBadRequest, "NotWebsocket", "")
		return
	}
	s.record(r, APIConnect, nil, http.StatusSwitchingProtocols, "", "")
	s.attach(ws, tk.req)
}
