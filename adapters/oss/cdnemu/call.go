package cdnemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Request is one request the server received, as the log keeps it.
type Request struct {
	At          time.Time
	ID          string // RequestId of the answer
	Method      string
	Action      string // x-acs-action
	Version     string // x-acs-version
	AccessKeyID string
	Params      url.Values // query and form parameters
	Status      int        // 0 when the client gave up before an answer
	Code        string     // error code; "" on success
}

// apiError is an OpenAPI error answer.
type apiError struct {
	status        int
	code, message string
}

type call struct {
	w      http.ResponseWriter
	r      *http.Request
	id     string
	action string
	params url.Values
	body   []byte
	rec    Request
}

// newCall reads the request: the action and version travel in x-acs-*
// headers with ACS3 signing, parameters in the query (and, for other
// clients, a form body).
func (s *Server) newCall(w http.ResponseWriter, r *http.Request) *call {
	id, _ := s.nextID()
	c := &call{w: w, r: r, id: id, action: r.Header.Get("x-acs-action")}
	c.body, _ = io.ReadAll(io.LimitReader(r.Body, 1<<20))
	c.params, _ = url.ParseQuery(r.URL.RawQuery)
	if form, err := url.ParseQuery(string(c.body)); err == nil &&
		r.Header.Get("Content-Type") == "application/x-www-form-urlencoded" {
		for k, v := range form {
			c.params[k] = append(c.params[k], v...)
		}
	}
	if c.action == "" {
		c.action = c.params.Get("Action")
	}
	c.rec = Request{At: s.now(), ID: id, Method: r.Method, Action: c.action,
		Version: r.Header.Get("x-acs-version"), Params: c.params}
	return c
}

// fail answers e in Alibaba Cloud's JSON error shape.
func (c *call) fail(e *apiError) {
	c.rec.Status, c.rec.Code = e.status, e.code
	c.json(e.status, map[string]any{"RequestId": c.id, "HostId": c.r.Host, "Code": e.code,
		"Message":   e.message,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.code) + "&product=Cdn"})
}

func (c *call) ok(body map[string]any) {
	c.rec.Status = http.StatusOK
	body["RequestId"] = c.id
	c.json(http.StatusOK, body)
}

func (c *call) json(status int, body map[string]any) {
	data, _ := json.Marshal(body)
	c.w.Header().Set("Content-Type", "application/json;charset=utf-8")
	c.w.Header().Set("x-acs-request-id", c.id)
	c.w.WriteHeader(status)
	_, _ = c.w.Write(data)
}

func (s *Server) record(c *call) {
	s.log.Debug("cdnemu request", "action", c.action, "status", c.rec.Status, "code", c.rec.Code,
		"request_id", c.id)
	s.requests.Add(c.rec)
}
