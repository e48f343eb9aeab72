package cdnemu_test

import (
	"errors"
	"strings"
	"testing"

	cdn "github.com/alibabacloud-go/cdn-20180510/v4/client"
	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/oss/cdnemu"
)

const (
	testAK     = "LTAIcdn"
	testSecret = "cdn-secret"
)

func start(t *testing.T, opts cdnemu.Options) *cdnemu.Server {
	t.Helper()
	if opts.Credentials == nil {
		opts.Credentials = map[string]string{testAK: testSecret}
	}
	s := cdnemu.New(opts)
	require.NoError(t, s.Start())
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// client is the real cdn-20180510 client pointed at the emulator.
func client(t *testing.T, s *cdnemu.Server, secret string) *cdn.Client {
	t.Helper()
	c, err := cdn.NewClient(&openapi.Config{AccessKeyId: tea.String(testAK), AccessKeySecret: tea.String(secret),
		Endpoint: tea.String(s.Addr()), Protocol: tea.String("HTTP")})
	require.NoError(t, err)
	return c
}

func sdkError(t *testing.T, err error) *tea.SDKError {
	t.Helper()
	var se *tea.SDKError
	require.True(t, errors.As(err, &se), "want *tea.SDKError, got %T: %v", err, err)
	return se
}

func TestRefreshObjectCachesThroughTheRealClient(t *testing.T) {
	s := start(t, cdnemu.Options{Domains: []string{"static.example.com"}})
	c := client(t, s, testSecret)
	paths := "https://static.example.com/web/manifest.json\nstatic.example.com/web/a b+c.json"
	res, err := c.RefreshObjectCaches(&cdn.RefreshObjectCachesRequest{ObjectPath: tea.String(paths),
		ObjectType: tea.String("File"), Force: tea.Bool(true)})
	require.NoError(t, err)
	require.NotNil(t, res.Body.RefreshTaskId)
	assert.NotEmpty(t, *res.Body.RequestId)
	assert.Equal(t, []string{"https://static.example.com/web/manifest.json", "static.example.com/web/a b+c.json"},
		s.Refreshed())
	tasks := s.Tasks()
	require.Len(t, tasks, 1)
	assert.Equal(t, "File", tasks[0].ObjectType)
	assert.True(t, tasks[0].Force)
	assert.Equal(t, testAK, tasks[0].AccessKeyID)

	desc, err := c.DescribeRefreshTaskById(&cdn.DescribeRefreshTaskByIdRequest{TaskId: res.Body.RefreshTaskId})
	require.NoError(t, err)
	require.EqualValues(t, 2, *desc.Body.TotalCount)
	assert.Equal(t, "Complete", *desc.Body.Tasks[0].Status)
	assert.Equal(t, *res.Body.RefreshTaskId, *desc.Body.Tasks[0].TaskId)
}

func TestErrorsInAlibabaCloudShape(t *testing.T) {
	s := start(t, cdnemu.Options{Domains: []string{"static.example.com"}})
	refresh := func(c *cdn.Client, path, typ string) error {
		req := &cdn.RefreshObjectCachesRequest{ObjectPath: tea.String(path)}
		if typ != "" {
			req.ObjectType = tea.String(typ)
		}
		_, err := c.RefreshObjectCaches(req)
		return err
	}
	cases := []struct {
		name, secret, path, typ, code string
		status                        int
	}{
		{"wrong secret", "wrong", "static.example.com/a", "", "SignatureDoesNotMatch", 400},
		{"foreign domain", testSecret, "evil.example.net/a", "", "InvalidDomain.NotFound", 404},
		{"bad object type", testSecret, "static.example.com/a", "Everything", "InvalidObjectType.ValueNotSupported", 400},
		{"blank path", testSecret, "  ", "", "MissingObjectPath", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			se := sdkError(t, refresh(client(t, s, c.secret), c.path, c.typ))
			assert.Equal(t, c.code, tea.StringValue(se.Code))
			assert.Equal(t, c.status, tea.IntValue(se.StatusCode))
			assert.Contains(t, tea.StringValue(se.Message), "request id: ")
		})
	}
	other, err := cdn.NewClient(&openapi.Config{AccessKeyId: tea.String("nobody"), AccessKeySecret: tea.String("x"),
		Endpoint: tea.String(s.Addr()), Protocol: tea.String("HTTP")})
	require.NoError(t, err)
	se := sdkError(t, refresh(other, "static.example.com/a", ""))
	assert.Equal(t, "InvalidAccessKeyId.NotFound", tea.StringValue(se.Code))
	assert.Empty(t, s.Refreshed(), "nothing refused is recorded")
}

func TestFaultInjection(t *testing.T) {
	s := start(t, cdnemu.Options{})
	s.InjectFault(cdnemu.Fault{Action: "RefreshObjectCaches", Status: 500, Code: "InternalError"})
	c := client(t, s, testSecret)
	_, err := c.RefreshObjectCaches(&cdn.RefreshObjectCachesRequest{ObjectPath: tea.String("a.example.com/x")})
	assert.Equal(t, "InternalError", tea.StringValue(sdkError(t, err).Code))
	_, err = c.RefreshObjectCaches(&cdn.RefreshObjectCachesRequest{ObjectPath: tea.String("a.example.com/x")})
	require.NoError(t, err)
	reqs := s.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "InternalError", reqs[0].Code)
	assert.True(t, strings.HasPrefix(reqs[1].Params.Get("ObjectPath"), "a.example.com"))
}
