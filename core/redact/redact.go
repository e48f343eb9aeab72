// Package redact is the one redactor every output leaving dingops passes:
// the release error and output it stores, chat replies, cards and 1:1
// messages (made from those), the dashboard, the API, the audit export and
// the log. It knows every configured secret value and masks passwords in
// connection strings whatever their form; NewLogHandler is the process's
// log handler over it. It depends on the standard library only, so core's
// consumers and the adapters can all use it.
package redact

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Mask replaces a secret.
const Mask = "[redacted]"

// MinLen is the shortest value redacted: replacing every "ab" in every line
// would make output unreadable, and such a value is no secret anyway.
const MinLen = 4

// Redactor masks known secret values and password fields. The zero value
// and a nil *Redactor mask password fields only.
type Redactor struct {
	secrets []string
	rep     *strings.Replacer
}

// New knows secrets (and their URL-escaped forms, as they appear in a DSN
// or a query string); values shorter than MinLen are ignored.
func New(secrets ...string) *Redactor {
	seen := map[string]bool{}
	var keep []string
	for _, s := range secrets {
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
			if len(form) >= MinLen && !seen[form] {
				seen[form] = true
				keep = append(keep, form)
			}
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(keep, func(i, j int) bool { return len(keep[i]) > len(keep[j]) })
	r := &Redactor{secrets: keep}
	if len(keep) > 0 {
		pairs := make([]string, 0, 2*len(keep))
		for _, s := range keep {
			pairs = append(pairs, s, Mask)
		}
		r.rep = strings.NewReplacer(pairs...)
	}
	return r
}

// Secrets is how many values (forms included) r knows.
func (r *Redactor) Secrets() int {
	if r == nil {
		return 0
	}
	return len(r.secrets)
}

// Redact masks every known secret and every password field in s.
func (r *Redactor) Redact(s string) string {
	if r != nil && r.rep != nil {
		s = r.rep.Replace(s)
	}
	return Passwords(s)
}

// Leaks reports whether s holds a known secret or a password field.
func (r *Redactor) Leaks(s string) bool {
	if r != nil {
		for _, x := range r.secrets {
			if strings.Contains(s, x) {
				return true
			}
		}
	}
	return Passwords(s) != s
}

var (
	// scheme://user:PASSWORD@host
	userinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]*:)([^\s/@]+)@`)
	// password=… in a query string or a keyword/value DSN, quoted or not
	// (libpq's quoting: single quotes, backslash escapes).
	field = regexp.MustCompile(`(?i)(\b(?:password|passwd|pwd|sslpassword)\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&;'"]+)`)
)

// Passwords masks the password of every URL's user info and every
// password=… field in s, without knowing the values.
func Passwords(s string) string {
	if !strings.Contains(s, "@") && !strings.ContainsAny(s, "=") {
		return s
	}
	s = userinfo.ReplaceAllString(s, "${1}"+Mask+"@")
	return field.ReplaceAllString(s, "${1}"+Mask)
}
