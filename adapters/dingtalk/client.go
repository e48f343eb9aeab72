// Package dingtalk holds dingops's DingTalk OpenAPI client: the settings of
// the generated SDK clients, the cached access token shared by every call,
// one error type, and the thin calls the bot and the mini-program deployer
// make. The stream transport itself lives in bot/; it takes its credentials
// and gateway host from Client.Stream.
package dingtalk

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/alibabacloud-go/dingtalk/card_1_0"
	"github.com/alibabacloud-go/dingtalk/micro_app_1_0"
	"github.com/alibabacloud-go/dingtalk/oauth2_1_0"
	"github.com/alibabacloud-go/dingtalk/robot_1_0"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
)

// Client calls DingTalk's OpenAPI with a cached access token. It is safe for
// concurrent use.
type Client struct {
	cfg    Config
	log    *slog.Logger
	oauth  *sdkPool[*oauth2_1_0.Client] // a pool each: an SDK client serves one call at a time (sdkpool.go)
	card   *sdkPool[*card_1_0.Client]
	robot  *sdkPool[*robot_1_0.Client]
	app    *sdkPool[*micro_app_1_0.Client]
	http   *http.Client
	tokens *tokenCache
}

// StreamSettings is what the stream SDK needs to open its connection.
type StreamSettings struct {
	ClientID     string
	ClientSecret Secret
	// OpenAPIHost goes to client.WithOpenApiHost: scheme and host, no
	// trailing slash.
	OpenAPIHost string
}

// New builds the generated SDK clients from one shared configuration.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	oc := cfg.openAPIConfig()
	c := &Client{cfg: cfg, log: cfg.Logger, http: &http.Client{Timeout: cfg.ReadTimeout}}
	if c.oauth, err = newSDKPool(func() (*oauth2_1_0.Client, error) { return oauth2_1_0.NewClient(oc) }); err != nil {
		return nil, fmt.Errorf("building DingTalk oauth2 client: %w", err)
	}
	if c.card, err = newSDKPool(func() (*card_1_0.Client, error) { return card_1_0.NewClient(oc) }); err != nil {
		return nil, fmt.Errorf("building DingTalk card client: %w", err)
	}
	if c.robot, err = newSDKPool(func() (*robot_1_0.Client, error) { return robot_1_0.NewClient(oc) }); err != nil {
		return nil, fmt.Errorf("building DingTalk robot client: %w", err)
	}
	if c.app, err = newSDKPool(func() (*micro_app_1_0.Client, error) { return micro_app_1_0.NewClient(oc) }); err != nil {
		return nil, fmt.Errorf("building DingTalk micro app client: %w", err)
	}
	c.tokens = newTokenCache(c.fetchToken, cfg.Clock, cfg.Logger)
	return c, nil
}

// RobotCode is the robot code cards and messages are sent with.
func (c *Client) RobotCode() string { return c.cfg.RobotCode }

// Stream returns the stream gateway settings for bot/'s stream client.
func (c *Client) Stream() StreamSettings {
	return StreamSettings{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, OpenAPIHost: c.cfg.StreamHost}
}

// AccessToken returns the cached token, refreshing it when less than five
// minutes remain.
func (c *Client) AccessToken(ctx context.Context) (string, error) {
	return c.tokens.get(ctx)
}

func (c *Client) fetchToken(ctx context.Context) (string, time.Duration, error) {
	req := &oauth2_1_0.GetAccessTokenRequest{AppKey: tea.String(c.cfg.ClientID),
		AppSecret: tea.String(c.cfg.ClientSecret.Reveal())}
	start := time.Now()
	resp, err := run(ctx, APIGetAccessToken, func() (*oauth2_1_0.GetAccessTokenResponse, error) {
		return use(c.oauth, func(sc *oauth2_1_0.Client) (*oauth2_1_0.GetAccessTokenResponse, error) {
			return sc.GetAccessToken(req)
		})
	})
	c.observed(APIGetAccessToken, start, err)
	if err != nil {
		return "", 0, err
	}
	if resp == nil || resp.Body == nil || tea.StringValue(resp.Body.AccessToken) == "" {
		return "", 0, &APIError{API: APIGetAccessToken, Status: http.StatusOK, Code: "emptyToken",
			Message: "the answer carried no access token"}
	}
	return *resp.Body.AccessToken, time.Duration(tea.Int64Value(resp.Body.ExpireIn)) * time.Second, nil
}

// runtime is the per-call options: no SDK retry (callers decide), and the
// timeouts of the shared config. They are not derived from ctx on purpose:
// tea keeps one http.Client per distinct timeout in a global pool, so
// per-call values would grow it without bound.
func (c *Client) runtime() *util.RuntimeOptions {
	return &util.RuntimeOptions{Autoretry: tea.Bool(false)}
}

// withToken runs fn with the cached token and, when DingTalk answers
// InvalidAuthentication, drops the token and tries once more.
func withToken[T any](ctx context.Context, c *Client, api string, fn func(token string) (T, error)) (T, error) {
	for attempt := 0; ; attempt++ {
		tok, err := c.tokens.get(ctx)
		if err != nil {
			var zero T
			return zero, fmt.Errorf("getting DingTalk access token for %s: %w", api, err)
		}
		start := time.Now()
		v, err := run(ctx, api, func() (T, error) { return fn(tok) })
		c.observed(api, start, err)
		if attempt == 0 && HasCode(err, CodeInvalidAuthentication) {
			c.log.Info("dingtalk token rejected, refreshing", "api", api)
			c.tokens.invalidate(tok)
			continue
		}
		return v, err
	}
}

// run makes one SDK call honour ctx, which the tea SDK does not take: it is
// not started once ctx is done, and the caller stops waiting when ctx ends
// (the call itself then finishes in the background within ReadTimeout). A
// panic in the generated code becomes an error.
func run[T any](ctx context.Context, api string, fn func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, fmt.Errorf("calling DingTalk %s: %w", api, err)
	}
	ch := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				ch <- result{err: &APIError{API: api, Code: CodeSDKPanic, Message: fmt.Sprint(r)}}
			}
		}()
		v, err := fn()
		ch <- result{v, convertError(api, err)}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return zero, fmt.Errorf("calling DingTalk %s: %w", api, ctx.Err())
	}
}

// Observer sees every OpenAPI call (metrics: latency and errors by API).
type Observer interface {
	OpenAPICall(api string, took time.Duration, err error)
}

func (c *Client) observed(api string, start time.Time, err error) {
	if c.cfg.Observer != nil {
		c.cfg.Observer.OpenAPICall(api, time.Since(start), err)
	}
}
