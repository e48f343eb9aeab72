package configs

import (
	"net/http"
	"time"
)

// ConfirmProbe says how to confirm that users get a container or
// mini-program deploy after it succeeded (`confirm: {}` turns it on): the
// target's own state (all ready pods run the new image; DingTalk reports
// the version online), then, when URL is set, that URL answering with the
// new version in Header or, without Header, in its body; within Timeout
// (default 15m). Past it the card says "not confirmed", never failed.
type ConfirmProbe struct {
	URL     string   `yaml:"url"`    // optional: a page or version endpoint users hit
	Header  string   `yaml:"header"` // e.g. X-App-Version; empty: the body names the version
	Timeout Duration `yaml:"timeout"`
}

func (c *ConfirmProbe) validate(v *validator, p string) {
	if c.URL != "" {
		v.httpURL(p+".url", c.URL)
	}
	if c.Header != "" && http.CanonicalHeaderKey(c.Header) == "" {
		v.bad(p+".header", "must be a header name, got %q", c.Header)
	}
	if c.Header != "" && c.URL == "" {
		v.bad(p+".header", "needs url: the header is read from its answer")
	}
	setDur(&c.Timeout, 15*time.Minute)
}
