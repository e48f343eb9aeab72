package ossemu

import (
	"crypto/hmac"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// authenticate checks the Authorization header: "OSS ak:sig" (V1) or
// "OSS4-HMAC-SHA256 Credential=…" (V4). Unsigned reads pass only when the
// server is public-read.
func (s *Server) authenticate(c *call) *apiError {
	h := c.r.Header.Get("Authorization")
	switch {
	case h == "":
		if s.opts.PublicRead && (c.op == OpGetObject || c.op == OpHeadObject || c.op == OpGetObjectMeta) {
			return nil
		}
		return errAccessDenied("You have no right to access this object because of bucket acl.")
	case strings.HasPrefix(h, "OSS4-HMAC-SHA256 "):
		c.rec.Auth = "v4"
		return s.verifyV4(c, strings.TrimPrefix(h, "OSS4-HMAC-SHA256 "))
	case strings.HasPrefix(h, "OSS "):
		c.rec.Auth = "v1"
		return s.verifyV1(c, strings.TrimPrefix(h, "OSS "))
	}
	return errInvalidArgument("Authorization header is invalid.")
}

func (s *Server) secret(ak string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sk, ok := s.creds[ak]
	return sk, ok
}

func (s *Server) verifyV1(c *call, cred string) *apiError {
	ak, sig, ok := strings.Cut(cred, ":")
	if !ok {
		return errInvalidArgument("Authorization header is invalid.")
	}
	c.rec.AccessKeyID = ak
	sk, known := s.secret(ak)
	if !known {
		return errInvalidAccessKeyID(ak)
	}
	if c.r.Header.Get("Date") == "" && c.r.Header.Get("x-oss-date") == "" {
		return errAccessDenied("OSS authentication requires a valid Date.")
	}
	sts := stringToSignV1(c.r, resourceV1(c.bucket, c.key, c.r.URL.RawQuery))
	want := signV1(sk, sts)
	if subtle.ConstantTimeCompare([]byte(want), []byte(sig)) != 1 {
		return errSignature(ak, sig, sts, nil)
	}
	return nil
}

// v4Auth is the parsed V4 Authorization header. The SDK separates the
// parts with a bare comma, Alibaba's documentation with ", ": accept both.
type v4Auth struct {
	ak, day, region, product string
	additional               []string
	signature                string
}

func parseV4Auth(h string) (v4Auth, bool) {
	var a v4Auth
	for _, part := range strings.Split(h, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			p := strings.Split(v, "/")
			if len(p) != 5 || p[4] != "aliyun_v4_request" {
				return a, false
			}
			a.ak, a.day, a.region, a.product = p[0], p[1], p[2], p[3]
		case "AdditionalHeaders":
			a.additional = strings.Split(strings.ToLower(v), ";")
		case "Signature":
			a.signature = v
		}
	}
	return a, a.ak != "" && a.signature != ""
}

func (s *Server) verifyV4(c *call, h string) *apiError {
	a, ok := parseV4Auth(h)
	if !ok {
		return errInvalidArgument("Authorization header is invalid.")
	}
	c.rec.AccessKeyID = a.ak
	if a.region == "" || (s.opts.Region != "" && a.region != s.opts.Region) || a.product != "oss" {
		return errInvalidArgument(fmt.Sprintf("Invalid signing region in Authorization header: %q.", a.region))
	}
	sk, known := s.secret(a.ak)
	if !known {
		return errInvalidAccessKeyID(a.ak)
	}
	stamp, day, ok := v4Time(c.r.Header)
	if !ok {
		return errAccessDenied("OSS authentication requires a valid Date.")
	}
	creq := canonicalRequestV4(c.r, canonicalURIV4(c.bucket, c.key), a.additional)
	sts := stringToSignV4(stamp, day, a.region, creq)
	want := signV4(sk, day, a.region, sts)
	if a.day != day || !hmac.Equal([]byte(want), []byte(a.signature)) {
		return errSignature(a.ak, a.signature, sts, &creq)
	}
	return nil
}

// v4Time is the timestamp V4 signs: x-oss-date if sent, else the Date
// header verbatim (aliyun-oss-go-sdk v3.0.2 sends only Date), and its day.
func v4Time(h http.Header) (stamp, day string, ok bool) {
	if d := h.Get("x-oss-date"); d != "" {
		t, err := time.Parse("20060102T150405Z", d)
		return d, t.Format("20060102"), err == nil
	}
	d := h.Get("Date")
	t, err := time.Parse(http.TimeFormat, d)
	return d, t.Format("20060102"), err == nil && d != ""
}

func errSignature(ak, provided, sts string, canonical *string) *apiError {
	extra := []field{{"OSSAccessKeyId", ak}, {"SignatureProvided", provided},
		{"StringToSign", sts}, {"StringToSignBytes", spacedHex([]byte(sts))}}
	if canonical != nil {
		extra = append(extra, field{"CanonicalRequest", *canonical})
	}
	return &apiError{status: http.StatusForbidden, code: "SignatureDoesNotMatch",
		message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		ec:      "0002-00000040", extra: extra}
}

// spacedHex renders bytes the way OSS's StringToSignBytes does: "50 55 54".
func spacedHex(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = strings.ToUpper(hex.EncodeToString([]byte{c}))
	}
	return strings.Join(parts, " ")
}
