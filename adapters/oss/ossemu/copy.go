package ossemu

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// copyObjectResult is CopyObject's success body (the SDK parses ETag and
// LastModified).
type copyObjectResult struct {
	XMLName      xml.Name `xml:"CopyObjectResult"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
}

// copyObject answers PUT with x-oss-copy-source: one request, no body. With
// the default COPY directive the destination keeps the source's metadata;
// REPLACE takes the request's. The ETag of a simple object survives a copy.
func (s *Server) copyObject(c *call) {
	srcBucket, srcKey, e := parseCopySource(c.r.Header.Get("x-oss-copy-source"))
	if e == nil {
		e = checkDirective(c.r.Header.Get("x-oss-metadata-directive"))
	}
	if e == nil && !validKey(c.key) {
		e = errInvalidObjectName()
	}
	if e != nil {
		c.fail(e)
		return
	}
	obj, notModified, e := s.copyLocked(c, srcBucket, srcKey)
	switch {
	case e != nil:
		c.fail(e)
	case notModified:
		c.ok(http.StatusNotModified)
	default:
		h := c.w.Header()
		h.Set("Content-Type", "application/xml")
		h.Set("ETag", obj.etag)
		h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(obj.crc, 10))
		body, _ := xml.Marshal(copyObjectResult{ETag: obj.etag,
			LastModified: obj.modified.Format("2006-01-02T15:04:05.000Z")})
		c.ok(http.StatusOK)
		_, _ = c.w.Write(append([]byte(xml.Header), body...))
	}
}

// copyLocked does the copy as one step under the lock, so a concurrent
// write never interleaves between reading the source and storing.
func (s *Server) copyLocked(c *call, srcBucket, srcKey string) (*object, bool, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dst, e := s.objects(c.bucket)
	if e != nil {
		return nil, false, e
	}
	srcObjs, e := s.objects(srcBucket)
	if e != nil {
		return nil, false, e
	}
	src, ok := srcObjs[srcKey]
	if !ok {
		return nil, false, errNoSuchKey()
	}
	if notModified, failed := checkConditions(c.r.Header, "x-oss-copy-source-", src); failed != "" {
		return nil, false, errPreconditionFailed(failed)
	} else if notModified {
		return nil, true, nil
	}
	if _, exists := dst[c.key]; exists && forbidOverwrite(c.r.Header) {
		return nil, false, errFileAlreadyExists()
	}
	header := src.header
	if strings.EqualFold(c.r.Header.Get("x-oss-metadata-directive"), "REPLACE") {
		header = storedHeader(c.r.Header)
	}
	obj := &object{body: src.body, etag: src.etag, md5: src.md5, crc: src.crc, header: header,
		modified: s.now().Truncate(time.Second)}
	dst[c.key] = obj
	return obj, false, nil
}

// parseCopySource reads "/bucket/<QueryEscaped key>". The SDK escapes the
// key with url.QueryEscape (space → "+", "+" → "%2B"), so it is decoded
// with QueryUnescape, not PathUnescape.
func parseCopySource(v string) (bucket, key string, e *apiError) {
	bad := errInvalidArgument("Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.")
	v, version, _ := strings.Cut(v, "?")
	if version != "" {
		return "", "", errInvalidArgument("The emulator does not keep versions: " + version)
	}
	b, k, ok := strings.Cut(strings.TrimPrefix(v, "/"), "/")
	if !ok || b == "" || k == "" {
		return "", "", bad
	}
	key, err := url.QueryUnescape(k)
	if err != nil {
		return "", "", bad
	}
	return b, key, nil
}

func checkDirective(v string) *apiError {
	switch strings.ToUpper(v) {
	case "", "COPY", "REPLACE":
		return nil
	}
	return errInvalidArgument("x-oss-metadata-directive must be COPY or REPLACE, not " + v + ".")
}
