package ossemu

import (
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Op names an OSS operation, for fault injection and the request log.
type Op string

// Operations the emulator knows.
const (
	OpPutObject     Op = "PutObject"
	OpCopyObject    Op = "CopyObject"
	OpGetObject     Op = "GetObject"
	OpHeadObject    Op = "HeadObject"
	OpGetObjectMeta Op = "GetObjectMeta"
	OpDeleteObject  Op = "DeleteObject"
	OpListObjectsV2 Op = "ListObjectsV2"
	OpUnsupported   Op = "Unsupported"
)

// Request is one request the server received, as the log keeps it.
type Request struct {
	At          time.Time
	ID          string // x-oss-request-id of the answer
	Method      string
	Host        string
	URI         string // the request-URI as sent (escaped)
	Op          Op
	Bucket      string
	Key         string
	Auth        string // "v1", "v4" or "anonymous"
	AccessKeyID string
	Header      http.Header
	// ContentLength is the declared body length (-1 when unknown); Chunked
	// tells a body sent with Transfer-Encoding: chunked.
	ContentLength int64
	Chunked       bool
	Status        int    // 0 when the client gave up before an answer
	Code          string // OSS error code; "" on success
}

// call is one request in flight.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	id     string
	bucket string
	key    string
	vhost  bool
	op     Op
	query  url.Values
	rec    Request
}

func (s *Server) newCall(w http.ResponseWriter, r *http.Request) *call {
	c := &call{w: w, r: r, id: s.nextRequestID()}
	c.bucket, c.key, c.vhost = s.route(r)
	c.query, _ = url.ParseQuery(r.URL.RawQuery)
	c.op = operation(r, c.key, c.query)
	c.rec = Request{At: s.now(), ID: c.id, Method: r.Method, Host: r.Host, URI: r.RequestURI,
		Op: c.op, Bucket: c.bucket, Key: c.key, Auth: "anonymous", Header: r.Header.Clone(),
		ContentLength: r.ContentLength, Chunked: slices.Contains(r.TransferEncoding, "chunked")}
	w.Header().Set("x-oss-request-id", c.id)
	w.Header().Set("Server", "AliyunOSS")
	return c
}

// route finds the bucket and key, path style (/bkt/key) or virtual-hosted
// (Host bkt.<domain>, /key). The SDK escapes "/" in keys as %2F, so the key
// is the unescaped rest of the path.
func (s *Server) route(r *http.Request) (bucket, key string, vhost bool) {
	p := strings.TrimPrefix(r.URL.EscapedPath(), "/")
	if b := s.hostBucket(r.Host); b != "" {
		key, _ = url.PathUnescape(p)
		return b, key, true
	}
	b, rest, _ := strings.Cut(p, "/")
	bucket, _ = url.PathUnescape(b)
	key, _ = url.PathUnescape(rest)
	return bucket, key, false
}

func (s *Server) hostBucket(hostport string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	if net.ParseIP(strings.Trim(host, "[]")) != nil || host == "localhost" || host == s.opts.Domain {
		return ""
	}
	if s.opts.Domain != "" && strings.HasSuffix(host, "."+s.opts.Domain) {
		return strings.TrimSuffix(host, "."+s.opts.Domain)
	}
	first, _, ok := strings.Cut(host, ".")
	if !ok {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := s.buckets[first]; exists {
		return first
	}
	return ""
}

func operation(r *http.Request, key string, q url.Values) Op {
	if key == "" {
		if r.Method == http.MethodGet && q.Get("list-type") == "2" {
			return OpListObjectsV2
		}
		return OpUnsupported
	}
	switch r.Method {
	case http.MethodPut:
		if r.Header.Get("x-oss-copy-source") != "" {
			return OpCopyObject
		}
		return OpPutObject
	case http.MethodGet:
		return OpGetObject
	case http.MethodHead:
		if _, ok := q["objectMeta"]; ok {
			return OpGetObjectMeta
		}
		return OpHeadObject
	case http.MethodDelete:
		return OpDeleteObject
	}
	return OpUnsupported
}

// hostID is what OSS puts in HostId: the bucket's virtual host.
func (c *call) hostID() string {
	if c.vhost || c.bucket == "" {
		return c.r.Host
	}
	host := c.r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return c.bucket + "." + host
}

// ok writes a success status; the body, if any, follows.
func (c *call) ok(status int) {
	c.rec.Status = status
	c.w.WriteHeader(status)
}

// fail writes e as OSS does: XML body, or for HEAD no body and the XML
// base64-encoded in x-oss-err (which the SDK decodes).
func (c *call) fail(e *apiError) {
	c.rec.Status, c.rec.Code = e.status, e.code
	body := e.xml(c.id, c.hostID())
	h := c.w.Header()
	h.Set("Content-Type", "application/xml")
	if e.ec != "" {
		h.Set("x-oss-ec", e.ec)
	}
	if c.r.Method == http.MethodHead {
		h.Set("x-oss-err", base64.StdEncoding.EncodeToString(body))
		c.w.WriteHeader(e.status)
		return
	}
	c.w.WriteHeader(e.status)
	_, _ = c.w.Write(body)
}

// record appends the finished call to the log.
func (s *Server) record(c *call) {
	s.log.Debug("ossemu request", "op", c.op, "method", c.r.Method, "bucket", c.bucket, "key", c.key,
		"status", c.rec.Status, "code", c.rec.Code, "request_id", c.id)
	s.requests.Add(c.rec)
}
