package ossemu

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// checkConditions evaluates If-Match, If-Unmodified-Since, If-None-Match and
// If-Modified-Since (prefix "") or their x-oss-copy-source- forms, in RFC
// 9110 order. failed names the condition that answers 412; notModified
// means 304.
func checkConditions(h http.Header, prefix string, obj *object) (notModified bool, failed string) {
	get := func(name string) string { return h.Get(prefix + name) }
	if v := get("If-Match"); v != "" {
		if !etagMatches(v, obj.etag) {
			return false, prefix + "If-Match"
		}
	} else if t, ok := httpTime(get("If-Unmodified-Since")); ok && obj.modified.After(t) {
		return false, prefix + "If-Unmodified-Since"
	}
	if v := get("If-None-Match"); v != "" {
		return etagMatches(v, obj.etag), ""
	}
	if t, ok := httpTime(get("If-Modified-Since")); ok && !obj.modified.After(t) {
		return true, ""
	}
	return false, ""
}

// etagMatches compares an If-Match style list with an ETag, ignoring quotes,
// weak markers and case ("*" matches any).
func etagMatches(list, etag string) bool {
	norm := func(s string) string {
		return strings.ToUpper(strings.Trim(strings.TrimPrefix(strings.TrimSpace(s), "W/"), `"`))
	}
	for _, v := range strings.Split(list, ",") {
		if strings.TrimSpace(v) == "*" || norm(v) == norm(etag) {
			return true
		}
	}
	return false
}

func httpTime(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	t, err := http.ParseTime(v)
	return t, err == nil
}

// parseRange reads "bytes=a-b", "bytes=a-" or "bytes=-n" and returns the
// half-open span to send. Like OSS, a malformed or multi-part range is
// ignored (the whole object, 200); a start past the end is 416.
func parseRange(v string, size int64) (start, end int64, status int, e *apiError) {
	whole := func() (int64, int64, int, *apiError) { return 0, size, http.StatusOK, nil }
	spec, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return whole()
	}
	a, b, ok := strings.Cut(spec, "-")
	if !ok {
		return whole()
	}
	if a == "" { // suffix: the last n bytes
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return whole()
		}
		return max(size-n, 0), size, http.StatusPartialContent, nil
	}
	first, err := strconv.ParseInt(a, 10, 64)
	if err != nil || first < 0 {
		return whole()
	}
	last := size - 1
	if b != "" {
		if last, err = strconv.ParseInt(b, 10, 64); err != nil || last < first {
			return whole()
		}
	}
	if first >= size {
		return 0, 0, 0, errInvalidRange()
	}
	return first, min(last+1, size), http.StatusPartialContent, nil
}
