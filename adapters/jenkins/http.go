package jenkins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// maxBody bounds what is read from one response (a console chunk is the
// largest).
const maxBody = 64 << 20

// response is a response read in full within the request's timeout.
type response struct {
	status int
	header http.Header
	body   []byte
}

// crumb is a CSRF crumb and the header it goes in.
type crumb struct {
	Field string `json:"crumbRequestField"`
	Value string `json:"crumb"`
}

// HTTPError is an answer from Jenkins that is not a success.
type HTTPError struct {
	Method   string
	Endpoint string // path below the Jenkins root, without the query
	Status   int
	Message  string // Jenkins' own words, from its error page
}

// Error names the endpoint, the status, what it usually means and
// Jenkins' message.
func (e *HTTPError) Error() string {
	s := fmt.Sprintf("jenkins %s %s answered %d", e.Method, e.Endpoint, e.Status)
	if m := e.meaning(); m != "" {
		s += " (" + m + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// meaning says what a status usually means for the Jenkins API.
func (e *HTTPError) meaning() string {
	switch {
	case e.Status == http.StatusUnauthorized:
		return "bad credentials: check the Jenkins user and API token"
	case e.Status == http.StatusForbidden:
		return "missing permission: the user may not do this"
	case e.Status == http.StatusNotFound && strings.HasPrefix(e.Endpoint, "/queue/"):
		return "no such queue item"
	case e.Status == http.StatusNotFound && strings.HasPrefix(e.Endpoint, "/job/"):
		return "no such job or build, or the user may not see it"
	case e.Status == http.StatusConflict:
		return "job disabled: it is not buildable"
	case e.Status >= 500:
		return "Jenkins server error"
	}
	return ""
}

// statusOf is the HTTP status of an *HTTPError in err's chain, or 0.
func statusOf(err error) int {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status
	}
	return 0
}

var (
	titleRE = regexp.MustCompile(`(?is)<title>(.*?)</title>`)
	tagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
	errorRE = regexp.MustCompile(`^Error \d{3} `)
)

// jenkinsMessage extracts the message of a Jenkins error page: the title of
// its HTML page, or the text of a plain one, short enough for a log line.
func jenkinsMessage(body []byte) string {
	s := string(body[:min(len(body), 16<<10)])
	if m := titleRE.FindStringSubmatch(s); m != nil {
		s = m[1]
	} else {
		s = tagRE.ReplaceAllString(s, " ")
	}
	s = errorRE.ReplaceAllString(strings.Join(strings.Fields(html.UnescapeString(s)), " "), "")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// send makes one request and reads the answer within RequestTimeout. Any
// status is returned as a response; only transport failures are errors.
func (b *Builder) send(ctx context.Context, method, path string, query, form url.Values, c *crumb) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.RequestTimeout)
	defer cancel()
	target := b.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, fmt.Errorf("jenkins %s %s: %w", method, path, err)
	}
	req.SetBasicAuth(b.cfg.User, b.cfg.Token)
	req.Header.Set("Accept", "application/json, text/plain, */*")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c != nil {
		req.Header.Set(c.Field, c.Value)
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return nil, &transportError{fmt.Errorf("jenkins %s %s: %w", method, path, err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err == nil && len(data) > maxBody {
		err = fmt.Errorf("answer larger than %d bytes", maxBody)
	}
	if err != nil {
		return nil, &transportError{fmt.Errorf("jenkins %s %s: reading the answer: %w", method, path, err)}
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

func httpError(method, path string, r *response) error {
	return &HTTPError{Method: method, Endpoint: path, Status: r.status, Message: jenkinsMessage(r.body)}
}

// get makes an idempotent GET, retried with backoff after a 5xx answer or
// a network failure; any other non-2xx answer is an *HTTPError at once.
func (b *Builder) get(ctx context.Context, path string, query url.Values) (*response, error) {
	bo := b.backoff()
	for attempt := 0; ; attempt++ {
		r, err := b.send(ctx, http.MethodGet, path, query, nil, nil)
		if err == nil && r.status >= 200 && r.status < 300 {
			return r, nil
		}
		if err == nil {
			err = httpError(http.MethodGet, path, r)
		}
		if !b.retryable(ctx, err) || attempt >= b.cfg.Retries {
			return nil, err
		}
		b.log.Warn("jenkins: retrying", "path", path, "attempt", attempt+1, "err", err)
		if serr := sleep(ctx, bo.next()); serr != nil {
			return nil, fmt.Errorf("%w (retry interrupted: %w)", err, serr)
		}
	}
}

// transportError is a request that got no complete answer: refused,
// timed out, cut off.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// retryable reports whether a failure may pass: a 5xx or a transport
// failure while the caller's context is still alive.
func (b *Builder) retryable(ctx context.Context, err error) bool {
	var te *transportError
	return ctx.Err() == nil && (statusOf(err) >= 500 || errors.As(err, &te))
}

func (b *Builder) getJSON(ctx context.Context, path string, query url.Values, v any) error {
	r, err := b.get(ctx, path, query)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("jenkins GET %s: decoding the answer: %w", path, err)
	}
	return nil
}

// post makes one POST, never retried blindly. It first goes without a
// crumb (API tokens are exempt since Jenkins 2.96); a 403 about the crumb
// fetches one, with its session cookie, and retries once. 2xx and 3xx
// answers are successes.
func (b *Builder) post(ctx context.Context, path string, query, form url.Values) (*response, error) {
	if form == nil {
		form = url.Values{}
	}
	r, err := b.send(ctx, http.MethodPost, path, query, form, b.currentCrumb())
	if err != nil {
		return nil, err
	}
	if r.status == http.StatusForbidden && strings.Contains(strings.ToLower(string(r.body)), "crumb") {
		c, err := b.fetchCrumb(ctx)
		if err != nil {
			return nil, fmt.Errorf("jenkins POST %s asked for a crumb: %w", path, err)
		}
		if r, err = b.send(ctx, http.MethodPost, path, query, form, c); err != nil {
			return nil, err
		}
	}
	if r.status >= 400 {
		return nil, httpError(http.MethodPost, path, r)
	}
	return r, nil
}

func (b *Builder) currentCrumb() *crumb {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.crumb
}

// fetchCrumb asks the crumb issuer for a crumb; the cookie jar keeps the
// session cookie the crumb is bound to.
func (b *Builder) fetchCrumb(ctx context.Context) (*crumb, error) {
	var c crumb
	if err := b.getJSON(ctx, "/crumbIssuer/api/json", nil, &c); err != nil {
		return nil, fmt.Errorf("fetching a crumb: %w", err)
	}
	if c.Field == "" || c.Value == "" {
		return nil, fmt.Errorf("fetching a crumb: the issuer answered no crumb")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.crumb = &c
	return &c, nil
}
