package dingtalkemu

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk"
)

// Fault is an error answer in DingTalk's shape: HTTP status and the body's
// lower-case code and message.
type Fault struct {
	Status  int
	Code    string
	Message string
}

// Common faults.
var (
	faultAuth = &Fault{http.StatusBadRequest, dingtalk.CodeInvalidAuthentication, "不合法的access_token"}
	// FaultSystemBusy is DingTalk's 500 for a transient failure.
	FaultSystemBusy = Fault{http.StatusInternalServerError, "systemBusy", "系统繁忙"}
)

func invalid(code, msg string) *Fault { return &Fault{http.StatusBadRequest, code, msg} }

// fault is an injected answer for the next calls of one API.
type fault struct {
	f    Fault
	hang bool // wait until the caller goes away instead of answering
	land bool // carry the call out, then wait as hang does
}

// Request is one HTTP request the emulator answered.
type Request struct {
	At        time.Time
	Method    string
	Path      string // with the query
	API       string // dingtalk.API… name, or "" for the gateway and webhooks
	Status    int
	Code      string // error code answered, "" on success
	RequestID string
	Body      string
}

// call is one OpenAPI request as a handler sees it.
type call struct {
	r        *http.Request
	body     []byte
	clientID string // owner of the access token
}

// decode reads the JSON body into v; a missing or malformed body is
// DingTalk's MissingBody / invalid parameter answer.
func (c *call) decode(v any) *Fault {
	if len(strings.TrimSpace(string(c.body))) == 0 || !strings.Contains(c.r.Header.Get("Content-Type"), "json") {
		return invalid("MissingBody", "body is mandatory for this action.")
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return invalid("InvalidParameter", "body is not valid JSON for this action: "+err.Error())
	}
	return nil
}

type handler func(c *call) (any, *Fault)

// InjectError makes the next n calls of api (a dingtalk.API… name) answer f.
func (s *Server) InjectError(api string, n int, f Fault) {
	s.addFaults(api, n, fault{f: f})
}

// HangNext makes the next n calls of api never answer: the emulator holds
// the request until the client gives up (its timeout) or the server closes.
func (s *Server) HangNext(api string, n int) {
	s.addFaults(api, n, fault{hang: true})
}

// LandNext makes the next n calls of api be carried out (checked and
// applied as usual) while their answer never comes: the emulator then
// holds the request as HangNext does. It is a call that landed though its
// client timed out — a server applies a request whether or not the client
// is still there to read the answer.
func (s *Server) LandNext(api string, n int) {
	s.addFaults(api, n, fault{land: true})
}

func (s *Server) addFaults(api string, n int, f fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.st.faults[api] = append(s.st.faults[api], f)
	}
}

func (s *Server) takeFault(api string) (fault, bool) {
	q := s.st.faults[api]
	if len(q) == 0 {
		return fault{}, false
	}
	s.st.faults[api] = q[1:]
	return q[0], true
}

// route serves one OpenAPI call: record, injected faults, token check, then
// the handler; every answer carries x-acs-request-id.
func (s *Server) route(mux *http.ServeMux, pattern, api string, auth bool, h handler) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		c := &call{r: r, body: body}
		rid := strings.ToUpper(randomID(4) + "-" + randomID(2) + "-" + randomID(2) + "-" + randomID(2) + "-" + randomID(6))
		s.mu.Lock()
		f, injected := s.takeFault(api)
		var authFault *Fault
		if auth && (!injected || f.land) {
			c.clientID, authFault = s.checkToken(r.Header.Get("X-Acs-Dingtalk-Access-Token"))
			if authFault == nil {
				authFault = s.permissionFault(api)
			}
		}
		s.mu.Unlock()
		if injected && f.hang {
			s.record(r, api, body, 0, "hang", rid)
			s.hold(r)
			return
		}
		var resp any
		fp := authFault
		switch {
		case injected && f.land:
			if fp == nil {
				_, fp = h(c)
			}
			code := "land"
			if fp != nil {
				code = fp.Code
			}
			s.record(r, api, body, 0, code+"-then-hang", rid)
			s.hold(r)
			return
		case injected:
			fp = &f.f
		case fp == nil:
			resp, fp = h(c)
		}
		s.answer(w, r, api, body, rid, resp, fp)
	})
}

// hold keeps a hung request open until its client leaves or Close.
func (s *Server) hold(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.closing:
	}
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request, api string, body []byte, rid string, resp any, f *Fault) {
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=utf-8")
	h.Set("x-acs-request-id", rid)
	h.Set("x-acs-trace-id", randomID(16))
	status, code := http.StatusOK, ""
	if f != nil {
		status, code = f.Status, f.Code
		body := map[string]any{"code": f.Code, "message": f.Message, "requestid": rid}
		if f.Code == dingtalk.CodePermissionDenied {
			body["accessdenieddetail"] = map[string]any{"requiredScopes": []string{apiScopes[api]}}
		}
		resp = body
	}
	s.record(r, api, body, status, code, rid)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(resp)
}

func (s *Server) record(r *http.Request, api string, body []byte, status int, code, rid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.requests = append(s.st.requests, Request{At: time.Now(), Method: r.Method, Path: r.URL.RequestURI(), API: api,
		Status: status, Code: code, RequestID: rid, Body: truncate(string(body), 4000)})
	s.bump(EventRequest, rid)
}

// Requests lists every request answered so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.st.requests...)
}

func (s *Server) openAPIRoutes(mux *http.ServeMux) {
	s.route(mux, "POST /v1.0/oauth2/accessToken", dingtalk.APIGetAccessToken, false, s.accessToken)
	s.route(mux, "POST /v1.0/card/instances/createAndDeliver", dingtalk.APICreateAndDeliver, true, s.createAndDeliver)
	s.route(mux, "PUT /v1.0/card/instances", dingtalk.APIUpdateCard, true, s.updateCard)
	s.route(mux, "POST /v1.0/robot/groupMessages/send", dingtalk.APIOrgGroupSend, true, s.orgGroupSend)
	s.route(mux, "POST /v1.0/robot/oToMessages/batchSend", dingtalk.APIBatchSendOTO, true, s.batchSendOTO)
	base := "/v1.0/microApp/innerMiniApps/{agentId}"
	s.route(mux, "GET "+base+"/versions", dingtalk.APIListMiniAppVersions, true, s.listVersions)
	s.route(mux, "GET "+base+"/historyVersions", dingtalk.APIMiniAppHistory, true, s.historyVersions)
	s.route(mux, "POST "+base+"/versions/publish", dingtalk.APIPublishMiniApp, true, s.publishVersion)
	s.route(mux, "POST "+base+"/versions/rollback", dingtalk.APIRollbackMiniApp, true, s.rollbackVersion)
	s.route(mux, "/v1.0/", "", true, func(*call) (any, *Fault) {
		return nil, &Fault{http.StatusNotFound, "NotFound", "the emulator does not implement this API"}
	})
}
