package dingtalkemu_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/client"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/logger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

// wait bounds every wait in these tests; they normally finish in
// milliseconds.
const wait = 20 * time.Second

// quiet silences the SDK. Setting it once, before any client runs, also
// avoids the SDK's lazy initialisation of its global logger, which races.
type quiet struct{}

func (quiet) Debugf(string, ...any)   {}
func (quiet) Infof(string, ...any)    {}
func (quiet) Warningf(string, ...any) {}
func (quiet) Errorf(string, ...any)   {}
func (quiet) Fatalf(string, ...any)   {}

func TestMain(m *testing.M) {
	logger.SetLogger(quiet{})
	os.Exit(m.Run())
}

func start(t *testing.T, opts dingtalkemu.Options) *dingtalkemu.Server {
	t.Helper()
	emu := dingtalkemu.New(opts)
	require.NoError(t, emu.Start())
	t.Cleanup(emu.Close)
	return emu
}

// stream builds a real SDK client against emu; it is closed when the test
// ends. AutoReconnect is off unless an option turns it on.
func stream(t *testing.T, emu *dingtalkemu.Server, register func(*client.StreamClient), opts ...client.ClientOption) *client.StreamClient {
	t.Helper()
	base := []client.ClientOption{
		client.WithAppCredential(client.NewAppCredentialConfig(dingtalkemu.DefaultClientID, dingtalkemu.DefaultClientSecret)),
		client.WithOpenApiHost(emu.URL()),
		client.WithAutoReconnect(false),
	}
	cli := client.NewStreamClient(append(base, opts...)...)
	register(cli)
	before := len(emu.Connections())
	require.NoError(t, cli.Start(context.Background()))
	t.Cleanup(cli.Close)
	// Start returns once dialled; the emulator registers the socket a moment
	// later.
	require.NoError(t, emu.WaitFor(wait, func() bool { return len(emu.Connections()) > before }))
	return cli
}

func apiClient(t *testing.T, emu *dingtalkemu.Server) *dingtalk.Client {
	t.Helper()
	c, err := dingtalk.New(emu.ClientConfig())
	require.NoError(t, err)
	return c
}

// fakeClock is a settable clock for expiry tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return ctx
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }

func callAPI(t *testing.T, emu *dingtalkemu.Server, method, path, tok, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, emu.URL()+path, bytes.NewReader([]byte(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if tok != "" {
		req.Header.Set("x-acs-dingtalk-access-token", tok)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	require.NoError(t, json.Unmarshal(raw, &out), "answers are JSON objects: %q", raw)
	if resp.StatusCode != http.StatusOK {
		assert.Equal(t, out["requestid"], resp.Header.Get("x-acs-request-id"), "errors carry the request id twice")
	}
	return resp.StatusCode, out
}

func token(t *testing.T, emu *dingtalkemu.Server) string {
	t.Helper()
	status, out := callAPI(t, emu, http.MethodPost, "/v1.0/oauth2/accessToken", "",
		`{"appKey":"`+dingtalkemu.DefaultClientID+`","appSecret":"`+dingtalkemu.DefaultClientSecret+`"}`)
	require.Equal(t, http.StatusOK, status)
	return out["accessToken"].(string)
}
