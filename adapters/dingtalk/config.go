package dingtalk

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/dingops/dingops/core"
)

// Defaults of Config.
const (
	DefaultEndpoint       = "api.dingtalk.com"
	DefaultProtocol       = "https"
	DefaultStreamHost     = "https://api.dingtalk.com"
	DefaultReadTimeout    = 10 * time.Second
	DefaultConnectTimeout = 5 * time.Second
)

// Secret is a credential; it prints as [redacted] so a logged config never
// leaks it.
type Secret string

// String redacts.
func (Secret) String() string { return "[redacted]" }

// GoString redacts %#v too.
func (Secret) GoString() string { return "[redacted]" }

// LogValue redacts in slog.
func (Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// MarshalText redacts when a config is dumped as JSON or YAML.
func (Secret) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }

// Reveal returns the credential itself, for the one place that sends it.
func (s Secret) Reveal() string { return string(s) }

// Config is how dingops reaches DingTalk's OpenAPI and stream gateway.
type Config struct {
	// ClientID is the app's AppKey / Client ID.
	ClientID string
	// ClientSecret is the app's AppSecret / Client Secret.
	ClientSecret Secret
	// RobotCode is the app robot's code; "" means ClientID, which is what an
	// enterprise internal app's robot uses.
	RobotCode string
	// Endpoint is the OpenAPI host as a bare host:port (no scheme, no path):
	// the SDK builds URLs as protocol + "://" + Endpoint + path.
	Endpoint string
	// Protocol is "https" (default) or "http" (emulators); the generated SDK
	// would otherwise talk plain HTTP.
	Protocol string
	// ReadTimeout bounds a whole OpenAPI call; 0 means DefaultReadTimeout
	// (the SDK itself would wait forever).
	ReadTimeout time.Duration
	// ConnectTimeout bounds the TCP connect; the SDK counts it in whole
	// seconds, so it is rounded up; 0 means DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// StreamHost is the stream gateway's open-API base URL, scheme and host,
	// no trailing slash (client.WithOpenApiHost).
	StreamHost string
	// NoProxy lists extra host:port entries the SDK must reach directly. The
	// SDK only skips a proxy on an exact host:port match, so a loopback
	// Endpoint is added automatically.
	NoProxy []string
	// Clock is the time source for token expiry; nil means the system clock.
	Clock core.Clock
	// Observer, if set, sees every OpenAPI call.
	Observer Observer
	// Logger receives token refreshes and retries; nil discards.
	Logger *slog.Logger
}

// withDefaults fills in what was left empty and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.ClientID == "" || c.ClientSecret == "" {
		return c, errors.New("configuring DingTalk: client id and client secret are required")
	}
	c.RobotCode = or(c.RobotCode, c.ClientID)
	c.Endpoint = or(c.Endpoint, DefaultEndpoint)
	c.Protocol = strings.ToLower(or(c.Protocol, DefaultProtocol))
	c.StreamHost = strings.TrimRight(or(c.StreamHost, DefaultStreamHost), "/")
	if strings.Contains(c.Endpoint, "/") {
		return c, fmt.Errorf("configuring DingTalk: endpoint %q must be a bare host:port", c.Endpoint)
	}
	if c.Protocol != "http" && c.Protocol != "https" {
		return c, fmt.Errorf("configuring DingTalk: protocol %q is neither http nor https", c.Protocol)
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.Clock == nil {
		c.Clock = core.WallClock{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// openAPIConfig is the one darabonba config every generated client shares.
func (c Config) openAPIConfig() *openapi.Config {
	seconds := int((c.ConnectTimeout + time.Second - 1) / time.Second)
	cfg := &openapi.Config{
		Protocol:       tea.String(c.Protocol),
		Endpoint:       tea.String(c.Endpoint),
		RegionId:       tea.String("central"),
		ReadTimeout:    tea.Int(int(c.ReadTimeout / time.Millisecond)),
		ConnectTimeout: tea.Int(seconds),
	}
	if np := c.noProxy(); np != "" {
		cfg.NoProxy = tea.String(np)
	}
	return cfg
}

// noProxy is the exact-match list the SDK compares host:port against.
func (c Config) noProxy() string {
	list := append([]string(nil), c.NoProxy...)
	host := c.Endpoint
	if h, _, err := net.SplitHostPort(c.Endpoint); err == nil {
		host = h
	}
	if host == "localhost" || net.ParseIP(host).IsLoopback() {
		list = append(list, c.Endpoint)
	}
	return strings.Join(list, ",")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
