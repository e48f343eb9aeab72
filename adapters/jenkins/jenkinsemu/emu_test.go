package jenkinsemu_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
)

// clock is a hand-driven clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// client talks raw HTTP to the emulator, redirects not followed.
type client struct {
	t    *testing.T
	base string
	http *http.Client
	user string
	tok  string
}

func start(t *testing.T, opts jenkinsemu.Options) (*jenkinsemu.Server, *clock, *client) {
	t.Helper()
	clk := &clock{now: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	emu := jenkinsemu.New(opts)
	require.NoError(t, emu.Start())
	t.Cleanup(func() { _ = emu.Close() })
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return emu, clk, &client{t: t, base: emu.URL(), http: hc, user: "dingops", tok: "dingops-token"}
}

func (c *client) do(method, path string, form url.Values, hdr ...string) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	require.NoError(c.t, err)
	req.SetBasicAuth(c.user, c.tok)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp, string(data)
}

func (c *client) json(path string) map[string]any {
	c.t.Helper()
	resp, body := c.do(http.MethodGet, path, nil)
	require.Equal(c.t, http.StatusOK, resp.StatusCode, body)
	var v map[string]any
	require.NoError(c.t, json.Unmarshal([]byte(body), &v))
	return v
}

func params(release string) url.Values {
	return url.Values{"DINGOPS_APP": {"web"}, "DINGOPS_BRANCH": {"main"}, "DINGOPS_RELEASE_ID": {release},
		"UNDECLARED": {"x"}}
}

func TestAuthentication(t *testing.T) {
	_, _, c := start(t, jenkinsemu.Options{})
	c.tok = "wrong"
	resp, body := c.do(http.MethodGet, "/api/json", nil)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, body, "Invalid password/token for user: dingops")
	assert.Equal(t, `Basic realm="Jenkins"`, resp.Header.Get("WWW-Authenticate"))
	c.tok = "dingops-token"
	resp, _ = c.do(http.MethodGet, "/api/json", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, jenkinsemu.Version, resp.Header.Get("X-Jenkins"))
}

func TestQueueCreatedMergedAndQuietPeriod(t *testing.T) {
	emu, clk, c := start(t, jenkinsemu.Options{ContextPath: "/jenkins"})
	require.NoError(t, emu.AddJob("team/web", jenkinsemu.JobOptions{Outcome: jenkinsemu.Outcome{Duration: time.Minute}}))

	resp, _ := c.do(http.MethodPost, "/job/team/job/web/buildWithParameters", params("7"))
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, emu.URL()+"/queue/item/1/", resp.Header.Get("Location"))
	resp, _ = c.do(http.MethodPost, "/job/team/job/web/buildWithParameters", params("7"))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "identical parameters merge")
	assert.Equal(t, emu.URL()+"/queue/item/1/", resp.Header.Get("Location"))
	resp, _ = c.do(http.MethodPost, "/job/team/job/web/buildWithParameters", params("8"))
	require.Equal(t, http.StatusCreated, resp.StatusCode, "other parameters make a new item")
	assert.Equal(t, 2, emu.QueueItemsCreated())

	it := c.json("/queue/item/1/api/json")
	assert.Equal(t, "hudson.model.Queue$WaitingItem", it["_class"])
	assert.Contains(t, it["why"], "In the quiet period")
	assert.Equal(t, emu.URL()+"/job/team/job/web/", it["task"].(map[string]any)["url"])
	assert.Equal(t, "queue/item/1/", it["url"], "queue item urls are relative, as in Jenkins")
	assert.NotContains(t, it["params"], "UNDECLARED", "undeclared parameters are dropped")
	assert.Len(t, c.json("/queue/api/json")["items"], 2)

	clk.Advance(5 * time.Second)
	it = c.json("/queue/item/1/api/json")
	assert.Equal(t, "hudson.model.Queue$LeftItem", it["_class"])
	assert.Equal(t, false, it["cancelled"])
	assert.Equal(t, float64(1), it["executable"].(map[string]any)["number"])
	it = c.json("/queue/item/2/api/json")
	assert.Equal(t, "hudson.model.Queue$BlockedItem", it["_class"], "a second build of a job waits")
	assert.Contains(t, it["why"], "Build #1 is already in progress")
}

func TestBuildableCancelledAndExpiredItems(t *testing.T) {
	emu, clk, c := start(t, jenkinsemu.Options{LeftItemTTL: time.Minute})
	require.NoError(t, emu.AddJob("web", jenkinsemu.JobOptions{}))
	emu.SetExecutors(0)
	form := params("1")
	form.Set("delay", "0sec")
	resp, _ := c.do(http.MethodPost, "/job/web/buildWithParameters", form)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	it := c.json("/queue/item/1/api/json")
	assert.Equal(t, "hudson.model.Queue$BuildableItem", it["_class"])
	assert.Equal(t, "Waiting for next available executor", it["why"])

	resp, _ = c.do(http.MethodPost, "/queue/cancelItem?id=1", nil)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	it = c.json("/queue/item/1/api/json")
	assert.Equal(t, "hudson.model.Queue$LeftItem", it["_class"])
	assert.Equal(t, true, it["cancelled"])
	assert.Nil(t, it["executable"])
	resp, body := c.do(http.MethodPost, "/queue/cancelItem?id=1", nil)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Contains(t, body, "Could not cancel run for id 1")

	clk.Advance(time.Minute)
	resp, _ = c.do(http.MethodGet, "/queue/item/1/api/json", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "left items expire")
	resp, body = c.do(http.MethodPost, "/queue/cancelItem?id=1", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, body, "Provided id (1) not found")
	assert.Empty(t, emu.Builds(""))
}

func TestTriggerRefusals(t *testing.T) {
	emu, _, c := start(t, jenkinsemu.Options{})
	require.NoError(t, emu.AddJob("plain", jenkinsemu.JobOptions{Parameters: []string{}}))
	require.NoError(t, emu.AddJob("off", jenkinsemu.JobOptions{Disabled: true}))
	resp, body := c.do(http.MethodPost, "/job/plain/buildWithParameters", params("1"))
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Contains(t, body, "This build is not parameterized!")
	resp, body = c.do(http.MethodPost, "/job/off/buildWithParameters", params("1"))
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Contains(t, body, "off is not buildable")
	resp, _ = c.do(http.MethodGet, "/job/off/buildWithParameters", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	resp, _ = c.do(http.MethodPost, "/job/nope/buildWithParameters", params("1"))
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.NoError(t, emu.AddJob("web", jenkinsemu.JobOptions{}))
	resp, body = c.do(http.MethodPost, "/job/web/buildWithParameters?delay=soon", nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "Invalid delay")
}

func TestCrumb(t *testing.T) {
	emu, _, c := start(t, jenkinsemu.Options{RequireCrumb: true})
	require.NoError(t, emu.AddJob("web", jenkinsemu.JobOptions{}))
	resp, body := c.do(http.MethodPost, "/job/web/buildWithParameters", params("1"))
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "No valid crumb was included in the request")

	cr := c.json("/crumbIssuer/api/json")
	assert.Equal(t, "Jenkins-Crumb", cr["crumbRequestField"])
	resp, _ = c.do(http.MethodPost, "/job/web/buildWithParameters", params("1"), "Jenkins-Crumb", cr["crumb"].(string))
	assert.Equal(t, http.StatusCreated, resp.StatusCode)

	c.http.Jar, _ = cookiejar.New(nil) // a crumb without its session is refused
	resp, _ = c.do(http.MethodPost, "/job/web/buildWithParameters", params("2"), "Jenkins-Crumb", cr["crumb"].(string))
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	emu.SetRequireCrumb(false)
	resp, _ = c.do(http.MethodPost, "/job/web/buildWithParameters", params("2"))
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
}
