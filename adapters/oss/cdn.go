package oss

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"

	cdn "github.com/alibabacloud-go/cdn-20180510/v4/client"
	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/dingops/dingops/core"
)

// CDNConfig says how to refresh the CDN's copy of the fixed manifest.
// Needed only when the CDN caches it despite no-cache (a console cache rule
// for .json overrides the origin's header).
type CDNConfig struct {
	// URL is the public URL of the fixed key, e.g.
	// https://static.example.com/web/manifest.json.
	URL string
	// Endpoint is the CDN OpenAPI host (default cdn.aliyuncs.com).
	Endpoint string
	// Protocol is "https" (default) or "http" (the emulator).
	Protocol string
	// AccessKeyID and AccessKeySecret default to the OSS credentials.
	AccessKeyID     string
	AccessKeySecret Secret
	// Timeout bounds one refresh request (default: the OSS Timeout).
	Timeout time.Duration
}

func (c *CDNConfig) validate(app string) error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("oss target of %s: CDN URL %q must be the absolute http(s) URL of the manifest", app, c.URL)
	}
	if p := strings.ToLower(c.Protocol); p != "" && p != "http" && p != "https" {
		return fmt.Errorf("oss target of %s: CDN protocol %q is neither http nor https", app, c.Protocol)
	}
	return nil
}

func (c CDNConfig) withCredentials(ak string, secret Secret, timeout time.Duration) CDNConfig {
	if c.AccessKeyID == "" {
		c.AccessKeyID, c.AccessKeySecret = ak, secret
	}
	if c.Timeout <= 0 {
		c.Timeout = timeout
	}
	return c
}

// CDN refreshes cached URLs through the CDN OpenAPI (cdn-20180510).
type CDN struct {
	// mu serialises calls: darabonba-openapi's client mutates itself per
	// call (GetRpcHeaders clears client.Headers).
	mu      sync.Mutex
	client  *cdn.Client
	timeout time.Duration
}

// NewCDN makes the CDN client; it does no I/O.
func NewCDN(c CDNConfig) (*CDN, error) {
	if c.Endpoint == "" {
		c.Endpoint = "cdn.aliyuncs.com"
	}
	if c.Protocol == "" {
		c.Protocol = "https"
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	client, err := cdn.NewClient(&openapi.Config{AccessKeyId: tea.String(c.AccessKeyID),
		AccessKeySecret: tea.String(c.AccessKeySecret.Reveal()), Endpoint: tea.String(c.Endpoint),
		Protocol: tea.String(strings.ToUpper(c.Protocol))})
	if err != nil {
		return nil, err
	}
	return &CDN{client: client, timeout: c.Timeout}, nil
}

// RefreshObjectCaches submits one File refresh task for urls. The SDK takes
// no context: the call runs aside and is abandoned (bounded by its own
// timeout) when ctx ends first.
func (c *CDN) RefreshObjectCaches(ctx context.Context, urls []string) (string, error) {
	ms := tea.Int(int(c.timeout / time.Millisecond))
	req := &cdn.RefreshObjectCachesRequest{ObjectPath: tea.String(strings.Join(urls, "\n")),
		ObjectType: tea.String("File")}
	type result struct {
		id  string
		err error
	}
	done := make(chan result, 1)
	go func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		res, err := c.client.RefreshObjectCachesWithOptions(req, &util.RuntimeOptions{ReadTimeout: ms, ConnectTimeout: ms})
		if err != nil {
			done <- result{err: describeCDN(err)}
			return
		}
		done <- result{id: tea.StringValue(res.Body.RefreshTaskId)}
	}()
	select {
	case r := <-done:
		return r.id, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// describeCDN keeps the SDK error (for retry decisions) with a message
// that names the code and the request id.
func describeCDN(err error) error {
	var te *tea.SDKError
	if !errors.As(err, &te) {
		return err
	}
	return fmt.Errorf("CDN %s: %s: %w", tea.StringValue(te.Code), tea.StringValue(te.Message), err)
}

// CDNRefreshError is a CDN refresh that failed after the switch itself
// succeeded: the fixed key holds the new manifest, but CDN nodes may serve
// the old one until their copy expires.
type CDNRefreshError struct {
	App      string
	URL      string
	Artifact core.Artifact
	Err      error
}

func (e *CDNRefreshError) Error() string {
	return fmt.Sprintf("%s: the switch to %s succeeded, but refreshing the CDN cache of %s failed: %v "+
		"(CDN nodes may serve the previous manifest until their copy expires; refresh the URL by hand)",
		e.App, name(e.Artifact), e.URL, e.Err)
}

func (e *CDNRefreshError) Unwrap() error { return e.Err }

func (d *Deployer) refresh(ctx context.Context, app string, a core.Artifact, log io.Writer) error {
	var task string
	err := d.retry(ctx, "RefreshObjectCaches", func(ctx context.Context) (err error) {
		task, err = d.cdn.RefreshObjectCaches(ctx, []string{d.cfg.CDN.URL})
		return err
	})
	if err != nil {
		e := &CDNRefreshError{App: app, URL: d.cfg.CDN.URL, Artifact: a, Err: err}
		d.cfg.Logger.Error("CDN refresh failed after the switch", "app", app, "url", d.cfg.CDN.URL, "err", err)
		logf(log, "%s", e.Error())
		return e
	}
	d.tasks.Store(a.Ref, task) // followed by ConfirmVisible
	logf(log, "CDN refresh of %s submitted (task %s)", d.cfg.CDN.URL, task)
	d.cfg.Logger.Info("CDN refresh submitted", "app", app, "url", d.cfg.CDN.URL, "task", task)
	return nil
}
