package ossemu

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// object is one stored object. Objects are immutable once stored: a write
// replaces the pointer, so readers need no copy.
type object struct {
	body     []byte
	etag     string // quoted upper-case hex MD5, as OSS reports simple objects
	md5      string // base64 MD5, OSS's Content-MD5
	crc      uint64 // CRC-64/ECMA, which the SDK checks after PUT and GET
	modified time.Time
	header   http.Header // Content-Type, Cache-Control, … and X-Oss-Meta-*
}

func newObject(body []byte, header http.Header, now time.Time) *object {
	sum := md5.Sum(body)
	return &object{body: body, header: header, modified: now.Truncate(time.Second),
		etag: `"` + strings.ToUpper(hex.EncodeToString(sum[:])) + `"`,
		md5:  base64.StdEncoding.EncodeToString(sum[:]),
		crc:  crc64.Checksum(body, crc64.MakeTable(crc64.ECMA))}
}

// storedHeader picks what an object keeps from a write request: the
// standard headers below and x-oss-meta-*.
func storedHeader(h http.Header) http.Header {
	out := http.Header{}
	for _, k := range []string{"Content-Type", "Cache-Control", "Content-Disposition",
		"Content-Encoding", "Content-Language", "Expires"} {
		if v := h.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	if out.Get("Content-Type") == "" {
		out.Set("Content-Type", "application/octet-stream")
	}
	for k, v := range h {
		if strings.HasPrefix(strings.ToLower(k), "x-oss-meta-") {
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}

func validKey(key string) bool {
	return len(key) > 0 && len(key) <= 1023 && !strings.HasPrefix(key, "/") && !strings.HasPrefix(key, `\`)
}

// objects returns the bucket's map under s.mu, or an error answer.
func (s *Server) objects(name string) (map[string]*object, *apiError) {
	b, ok := s.buckets[name]
	if !ok {
		return nil, errNoSuchBucket(name)
	}
	return b, nil
}

func (s *Server) putObject(c *call) {
	// OSS has no conditional PUT: it refuses the headers rather than
	// ignoring them, so a client can never believe it did a compare-and-swap.
	for _, h := range []string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"} {
		if c.r.Header.Get(h) != "" {
			c.fail(errNotImplementedHeader(h))
			return
		}
	}
	if !validKey(c.key) {
		c.fail(errInvalidObjectName())
		return
	}
	body, err := io.ReadAll(c.r.Body)
	if err != nil {
		c.rec.Code = "ClientGone"
		return
	}
	obj := newObject(body, storedHeader(c.r.Header), s.now())
	if want := c.r.Header.Get("Content-MD5"); want != "" && want != obj.md5 {
		c.fail(errInvalidDigest())
		return
	}
	if e := s.store(c.bucket, c.key, obj, forbidOverwrite(c.r.Header)); e != nil {
		c.fail(e)
		return
	}
	h := c.w.Header()
	h.Set("ETag", obj.etag)
	h.Set("Content-MD5", obj.md5)
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(obj.crc, 10))
	c.ok(http.StatusOK)
}

func forbidOverwrite(h http.Header) bool {
	return strings.EqualFold(h.Get("x-oss-forbid-overwrite"), "true")
}

// store writes obj at key, refusing an existing key when forbid is set.
func (s *Server) store(bucket, key string, obj *object, forbid bool) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	objs, e := s.objects(bucket)
	if e != nil {
		return e
	}
	if _, exists := objs[key]; exists && forbid {
		return errFileAlreadyExists()
	}
	objs[key] = obj
	return nil
}

func (s *Server) lookup(bucket, key string) (*object, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	objs, e := s.objects(bucket)
	if e != nil {
		return nil, e
	}
	obj, ok := objs[key]
	if !ok {
		return nil, errNoSuchKey()
	}
	return obj, nil
}

// readObject answers GET, HEAD and HEAD ?objectMeta.
func (s *Server) readObject(c *call) {
	obj, e := s.lookup(c.bucket, c.key)
	if e != nil {
		c.fail(e)
		return
	}
	notModified, failed := checkConditions(c.r.Header, "", obj)
	if failed != "" {
		c.fail(errPreconditionFailed(failed))
		return
	}
	writeObjectHeader(c.w.Header(), obj)
	if notModified {
		c.ok(http.StatusNotModified)
		return
	}
	start, end, status := int64(0), int64(len(obj.body)), http.StatusOK
	if c.op == OpGetObject {
		if rg := c.r.Header.Get("Range"); rg != "" {
			var e *apiError
			if start, end, status, e = parseRange(rg, int64(len(obj.body))); e != nil {
				c.w.Header().Del("Content-Length")
				c.fail(e)
				return
			}
		}
	}
	if status == http.StatusPartialContent {
		c.w.Header().Set("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+
			strconv.FormatInt(end-1, 10)+"/"+strconv.Itoa(len(obj.body)))
	}
	c.w.Header().Set("Content-Length", strconv.FormatInt(end-start, 10))
	c.ok(status)
	if c.r.Method == http.MethodGet {
		_, _ = c.w.Write(obj.body[start:end])
	}
}

func writeObjectHeader(h http.Header, obj *object) {
	for k, v := range obj.header {
		h[k] = append([]string(nil), v...)
	}
	h.Set("ETag", obj.etag)
	h.Set("Last-Modified", obj.modified.Format(http.TimeFormat))
	h.Set("Content-Length", strconv.Itoa(len(obj.body)))
	h.Set("Content-MD5", obj.md5)
	h.Set("Accept-Ranges", "bytes")
	h.Set("x-oss-object-type", "Normal")
	h.Set("x-oss-storage-class", "Standard")
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(obj.crc, 10))
}

func (s *Server) deleteObject(c *call) {
	s.mu.Lock()
	objs, e := s.objects(c.bucket)
	if e == nil {
		delete(objs, c.key)
	}
	s.mu.Unlock()
	if e != nil {
		c.fail(e)
		return
	}
	c.ok(http.StatusNoContent)
}
