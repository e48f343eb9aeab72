package ossemu

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// isSignedSubResource reports whether V1 signs a query key: the SDK's
// whitelist (aliyun-oss-go-sdk v3.0.2 oss/conn.go: signKeyList). prefix,
// max-keys, list-type, delimiter and the like are not signed in V1.
func isSignedSubResource(k string) bool {
	switch k {
	case "acl", "uploads", "location", "cors", "logging", "website", "referer", "lifecycle",
		"delete", "append", "tagging", "objectMeta", "uploadId", "partNumber", "security-token",
		"position", "img", "style", "styleName", "replication", "replicationProgress",
		"replicationLocation", "cname", "bucketInfo", "comp", "qos", "live", "status", "vod",
		"startTime", "endTime", "symlink", "x-oss-process", "response-content-type",
		"x-oss-traffic-limit", "response-content-language", "response-expires",
		"response-cache-control", "response-content-disposition", "response-content-encoding",
		"udf", "udfName", "udfImage", "udfId", "udfImageDesc", "udfApplication",
		"udfApplicationLog", "restore", "callback", "callback-var", "qosInfo", "policy", "stat",
		"encryption", "versions", "versioning", "versionId", "requestPayment",
		"x-oss-request-payer", "sequential", "inventory", "inventoryId", "continuation-token",
		"asyncFetch", "worm", "wormId", "wormExtend", "withHashContext", "x-oss-enable-md5",
		"x-oss-enable-sha1", "x-oss-enable-sha256", "x-oss-hash-ctx", "x-oss-md5-ctx",
		"transferAcceleration", "regionList", "cloudboxes", "x-oss-ac-source-ip",
		"x-oss-ac-subnet-mask", "x-oss-ac-vpc-id", "x-oss-ac-forward-allow", "metaQuery",
		"resourceGroup", "rtc", "x-oss-async-process", "responseHeader":
		return true
	}
	return false
}

// queryPair is one query parameter, unescaped.
type queryPair struct{ key, value string }

// rawQueryPairs splits a raw query the way the SDK built it: k=v or a bare
// k, each QueryEscaped.
func rawQueryPairs(raw string) []queryPair {
	var out []queryPair
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		uk, err := url.QueryUnescape(k)
		if err != nil {
			uk = k
		}
		uv, err := url.QueryUnescape(v)
		if err != nil {
			uv = v
		}
		out = append(out, queryPair{uk, uv})
	}
	return out
}

// resourceV1 is V1's CanonicalizedResource: /bucket/key with the key raw,
// then the signed sub-resources sorted, "k=v" or a bare "k".
func resourceV1(bucket, key, rawQuery string) string {
	res := "/"
	if bucket != "" {
		res = "/" + bucket + "/" + key
	}
	var subs []queryPair
	for _, p := range rawQueryPairs(rawQuery) {
		if isSignedSubResource(p.key) {
			subs = append(subs, p)
		}
	}
	if len(subs) > 0 {
		res += "?" + joinSorted(subs)
	}
	return res
}

// joinSorted renders pairs sorted by key as "k=v" or a bare "k", joined by
// "&" — the SDK sorts keys, not "k=v" strings ("a-b" sorts before "a").
func joinSorted(pairs []queryPair) string {
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].key < pairs[j].key })
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.key
		if p.value != "" {
			out[i] += "=" + p.value
		}
	}
	return strings.Join(out, "&")
}

// stringToSignV1 is VERB, Content-MD5, Content-Type, Date, the x-oss-
// headers ("name:first value\n", sorted) and the resource.
func stringToSignV1(r *http.Request, resource string) string {
	var ossHeaders []queryPair
	for k, v := range r.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-oss-") {
			ossHeaders = append(ossHeaders, queryPair{lk, v[0]})
		}
	}
	return r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n" +
		r.Header.Get("Date") + "\n" + headerLines(ossHeaders) + resource
}

// headerLines renders headers sorted by name as "name:value\n" each.
func headerLines(hs []queryPair) string {
	sort.Slice(hs, func(i, j int) bool { return hs[i].key < hs[j].key })
	var b strings.Builder
	for _, h := range hs {
		b.WriteString(h.key + ":" + h.value + "\n")
	}
	return b.String()
}

func signV1(secret, stringToSign string) string {
	h := hmac.New(sha1.New, []byte(secret))
	h.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// v4Escape is QueryEscape with "+" as %20, as the SDK encodes for V4.
func v4Escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// canonicalURIV4 is /bucket/ + the escaped key with "/" kept.
func canonicalURIV4(bucket, key string) string {
	if bucket == "" {
		return "/"
	}
	return "/" + bucket + "/" + strings.ReplaceAll(v4Escape(key), "%2F", "/")
}

// canonicalRequestV4 builds VERB, URI, query (every parameter, escaped and
// sorted), content-type/content-md5/x-oss-*/additional headers (trimmed,
// sorted), the additional header names and the payload hash.
func canonicalRequestV4(r *http.Request, uri string, additional []string) string {
	var q []queryPair
	for _, p := range rawQueryPairs(r.URL.RawQuery) {
		q = append(q, queryPair{url.QueryEscape(p.key), v4Escape(p.value)})
	}
	extra := map[string]bool{}
	for _, h := range additional {
		extra[h] = true
	}
	var hs []queryPair
	for k, v := range r.Header {
		lk := strings.ToLower(k)
		if lk == "content-type" || lk == "content-md5" || strings.HasPrefix(lk, "x-oss-") || extra[lk] {
			hs = append(hs, queryPair{lk, strings.Trim(v[0], " ")})
		}
	}
	payload := r.Header.Get("x-oss-content-sha256")
	if payload == "" {
		payload = "UNSIGNED-PAYLOAD"
	}
	return r.Method + "\n" + uri + "\n" + joinSorted(q) + "\n" + headerLines(hs) + "\n" +
		strings.Join(additional, ";") + "\n" + payload
}

func stringToSignV4(stamp, day, region, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return "OSS4-HMAC-SHA256\n" + stamp + "\n" + day + "/" + region + "/oss/aliyun_v4_request\n" +
		hex.EncodeToString(sum[:])
}

func signV4(secret, day, region, stringToSign string) string {
	key := hmacSHA256([]byte("aliyun_v4"+secret), day)
	for _, s := range []string{region, "oss", "aliyun_v4_request"} {
		key = hmacSHA256(key, s)
	}
	return hex.EncodeToString(hmacSHA256(key, stringToSign))
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}
