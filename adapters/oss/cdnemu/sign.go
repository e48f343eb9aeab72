package cdnemu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// authenticate verifies the ACS3-HMAC-SHA256 signature that
// darabonba-openapi v2.0.12 computes (openapi-util v0.1.2
// service.go: GetAuthorization):
//
//	CanonicalRequest = METHOD \n URI \n Query \n Headers \n SignedHeaders \n HexSHA256(body)
//	Authorization    = ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=h1;h2,Signature=hex(HMAC-SHA256(secret,
//	                   "ACS3-HMAC-SHA256\n" + hex(SHA256(CanonicalRequest))))
func (s *Server) authenticate(c *call) *apiError {
	auth := c.r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "ACS3-HMAC-SHA256 ")
	if !ok {
		return &apiError{http.StatusBadRequest, "IncompleteSignature",
			"The request signature does not conform to Aliyun standards."}
	}
	ak, signed, sig := parseACS3(rest)
	c.rec.AccessKeyID = ak
	if ak == "" || sig == "" || len(signed) == 0 {
		return &apiError{http.StatusBadRequest, "IncompleteSignature",
			"The request signature does not conform to Aliyun standards."}
	}
	s.mu.Lock()
	secret, known := s.creds[ak]
	s.mu.Unlock()
	if !known {
		return &apiError{http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found."}
	}
	if e := checkSignedHeaders(c.r, signed, c.body); e != nil {
		return e
	}
	creq := canonicalRequest(c.r, signed)
	sum := sha256.Sum256([]byte(creq))
	sts := "ACS3-HMAC-SHA256\n" + hex.EncodeToString(sum[:])
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(sts))
	if !hmac.Equal([]byte(hex.EncodeToString(mac.Sum(nil))), []byte(sig)) {
		return &apiError{http.StatusBadRequest, "SignatureDoesNotMatch",
			"Specified signature does not match our calculation. server string to sign is:" + sts}
	}
	return s.useNonce(c.r.Header.Get("x-acs-signature-nonce"))
}

func parseACS3(v string) (ak string, signed []string, sig string) {
	for _, part := range strings.Split(v, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			ak = val
		case "SignedHeaders":
			signed = strings.Split(val, ";")
		case "Signature":
			sig = val
		}
	}
	return ak, signed, sig
}

// checkSignedHeaders requires what the real gateway requires: host, the
// action, version, date and nonce signed, and a payload hash that matches.
func checkSignedHeaders(r *http.Request, signed []string, body []byte) *apiError {
	for _, h := range []string{"host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce",
		"x-acs-content-sha256"} {
		if !contains(signed, h) || (h != "host" && r.Header.Get(h) == "") {
			return &apiError{http.StatusBadRequest, "MissingParameter",
				"The header " + h + " is required and must be signed."}
		}
	}
	sum := sha256.Sum256(body)
	if r.Header.Get("x-acs-content-sha256") != hex.EncodeToString(sum[:]) {
		return &apiError{http.StatusBadRequest, "InvalidParameter",
			"x-acs-content-sha256 does not match the body."}
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func canonicalRequest(r *http.Request, signed []string) string {
	var headers strings.Builder
	for _, h := range signed {
		vals := r.Header.Values(h)
		if h == "host" {
			vals = []string{r.Host}
		}
		trimmed := make([]string, len(vals))
		for i, v := range vals {
			trimmed[i] = strings.TrimSpace(v)
		}
		sort.Strings(trimmed)
		headers.WriteString(h + ":" + strings.Join(trimmed, ",") + "\n")
	}
	return r.Method + "\n" + acsEncode(r.URL.EscapedPath()) + "\n" + canonicalQuery(r.URL.RawQuery) + "\n" +
		headers.String() + "\n" + strings.Join(signed, ";") + "\n" + r.Header.Get("x-acs-content-sha256")
}

// canonicalQuery sorts parameters by name and escapes values like the SDK:
// QueryEscape, then "+"→%20, "*"→%2A, %7E→"~" over the whole string.
func canonicalQuery(raw string) string {
	q, _ := url.ParseQuery(raw)
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + url.QueryEscape(q.Get(k))
	}
	return acsEncode(strings.Join(parts, "&"))
}

func acsEncode(s string) string {
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(s)
}

// useNonce refuses a replayed x-acs-signature-nonce, as the gateway does.
func (s *Server) useNonce(nonce string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nonces[nonce] {
		return &apiError{http.StatusBadRequest, "SignatureNonceUsed",
			"Specified signature nonce was used already."}
	}
	if len(s.nonces) >= 100000 {
		s.nonces = map[string]bool{}
	}
	s.nonces[nonce] = true
	return nil
}
