// Package oss deploys static front-ends on Alibaba Cloud OSS. The HTML loads
// a fixed manifest key (web/manifest.json); every build uploads an immutable
// hashed manifest (web/manifest.3fa9c1.json). Making a release live — or
// rolling back to an older one — is one server-side CopyObject of the hashed
// manifest onto the fixed key with no-cache metadata, then, if configured,
// a CDN refresh of the fixed key's URL.
package oss

import (
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/dingops/dingops/core"
)

// Kind is the target kind this package deploys.
const Kind = core.TargetOSS

// Metadata the deployer writes on the fixed key, so Live can name the
// hashed manifest it was copied from (the ETag alone cannot).
const (
	metaSource  = "dingops-source"
	metaRelease = "dingops-release"
)

// Config is one app's OSS target.
type Config struct {
	// App names the app in messages.
	App string
	// Confirm, when set, polls public URLs after a deploy until users are
	// served the new manifest (confirm.go); nil confirms nothing.
	Confirm *ConfirmConfig
	// Endpoint is the OSS endpoint, e.g. https://oss-cn-hangzhou.aliyuncs.com.
	Endpoint string
	// Region is the bucket's region, e.g. cn-hangzhou; required for V4.
	Region string
	// Bucket holds the manifests.
	Bucket string
	// AccessKeyID and AccessKeySecret sign requests; the caller resolves
	// them (from environment variables). The secret never prints.
	AccessKeyID     string
	AccessKeySecret Secret
	// AuthVersion is "v4" (default, Alibaba's recommendation) or "v1".
	AuthVersion string
	// ManifestKey is the fixed key the HTML loads, e.g. web/manifest.json.
	ManifestKey string
	// ManifestPattern is the name of hashed manifests, one "*" standing for
	// the hash, e.g. web/manifest.*.json; artifacts must match it.
	ManifestPattern string
	// CacheControl of the fixed key (default no-cache: browsers and CDN
	// revalidate, so a rollback shows at once).
	CacheControl string
	// ContentType of the fixed key (default application/json).
	ContentType string
	// Timeout bounds one attempt of one request (default 10s).
	Timeout time.Duration
	// Attempts is how often a HEAD, the copy or the CDN refresh is tried on
	// a 5xx or network error (default 3); the SDK itself never retries.
	Attempts int
	// Backoff is the wait before the first retry, doubled each time
	// (default 200ms).
	Backoff time.Duration
	// CDN, when set, refreshes the fixed key's URL after each switch.
	CDN *CDNConfig
	// HTTPClient replaces the SDK's HTTP client (tests, proxies); nil keeps it.
	HTTPClient *http.Client
	// Logger receives one line per switch and every retry; nil discards.
	Logger *slog.Logger
}

// Secret is a credential that never appears in logs or formatted output.
type Secret string

// Reveal returns the secret itself, for the SDK.
func (s Secret) Reveal() string { return string(s) }

// String redacts.
func (s Secret) String() string { return s.redacted() }

// Format redacts under every verb, so %d or %x cannot leak it either.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.redacted())) }

// LogValue redacts in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.redacted()) }

// MarshalText redacts in JSON, YAML and other encodings.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.redacted()), nil }

func (s Secret) redacted() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// withDefaults fills the optional fields.
func (c Config) withDefaults() Config {
	c.AuthVersion = strings.ToLower(c.AuthVersion)
	if c.AuthVersion == "" {
		c.AuthVersion = "v4"
	}
	if c.CacheControl == "" {
		c.CacheControl = "no-cache"
	}
	if c.ContentType == "" {
		c.ContentType = "application/json"
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.Attempts <= 0 {
		c.Attempts = 3
	}
	if c.Backoff <= 0 {
		c.Backoff = 200 * time.Millisecond
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// validate checks what New needs; Open checks the connection settings too.
func (c Config) validate() error {
	switch {
	case c.App == "":
		return fmt.Errorf("oss target: app name is required")
	case c.ManifestKey == "":
		return fmt.Errorf("oss target of %s: manifest key is required", c.App)
	case strings.Count(c.ManifestPattern, "*") == 0:
		return fmt.Errorf("oss target of %s: manifest pattern %q must contain * for the hash", c.App, c.ManifestPattern)
	case c.AuthVersion != "v1" && c.AuthVersion != "v4":
		return fmt.Errorf("oss target of %s: auth version %q is neither v1 nor v4", c.App, c.AuthVersion)
	}
	if _, err := path.Match(c.ManifestPattern, ""); err != nil {
		return fmt.Errorf("oss target of %s: manifest pattern %q: %w", c.App, c.ManifestPattern, err)
	}
	if ok, _ := path.Match(c.ManifestPattern, c.ManifestKey); ok {
		return fmt.Errorf("oss target of %s: manifest key %s matches the hashed pattern %s; they must differ",
			c.App, c.ManifestKey, c.ManifestPattern)
	}
	if c.CDN != nil {
		return c.CDN.validate(c.App)
	}
	return nil
}

func (c Config) validateConnection() error {
	switch {
	case c.Endpoint == "" || c.Bucket == "":
		return fmt.Errorf("oss target of %s: endpoint and bucket are required", c.App)
	case c.AccessKeyID == "" || c.AccessKeySecret == "":
		return fmt.Errorf("oss target of %s: access key id and secret are required", c.App)
	case c.AuthVersion == "v4" && c.Region == "":
		// The SDK would sign with an empty region and OSS would refuse
		// every request; say so at start-up instead.
		return fmt.Errorf("oss target of %s: auth version v4 requires a region (e.g. cn-hangzhou)", c.App)
	}
	return nil
}

// clientOptions are the SDK options Config asks for.
func (c Config) clientOptions() []oss.ClientOption {
	var opts []oss.ClientOption
	if c.AuthVersion == "v4" {
		opts = append(opts, oss.AuthVersion(oss.AuthV4), oss.Region(c.Region))
	}
	if c.HTTPClient != nil {
		opts = append(opts, oss.HTTPClient(c.HTTPClient))
	}
	return opts
}
