package ossemu_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/oss/ossemu"
)

const (
	testAK     = "LTAIemulator"
	testSecret = "emulator-secret"
	testBucket = "bkt"
	testDomain = "oss-cn-hangzhou.aliyuncs.com"
	testRegion = "cn-hangzhou"
)

func start(t *testing.T, opts ossemu.Options) *ossemu.Server {
	t.Helper()
	if opts.Buckets == nil {
		opts.Buckets = []string{testBucket, "other"}
	}
	if opts.Credentials == nil {
		opts.Credentials = map[string]string{testAK: testSecret}
	}
	opts.Domain = testDomain
	s := ossemu.New(opts)
	require.NoError(t, s.Start())
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// clientMode is one way the SDK can address the emulator.
type clientMode struct {
	name   string
	v4     bool
	vhost  bool
	secret string
}

var modes = []clientMode{
	{name: "v1 path style"}, {name: "v4 path style", v4: true},
	{name: "v1 virtual-hosted", vhost: true}, {name: "v4 virtual-hosted", v4: true, vhost: true},
}

// bucket builds the real SDK client for mode. Virtual-hosted style uses a
// production-looking endpoint and dials the emulator whatever the host.
func bucket(t *testing.T, s *ossemu.Server, m clientMode) *oss.Bucket {
	t.Helper()
	secret := m.secret
	if secret == "" {
		secret = testSecret
	}
	endpoint := s.URL()
	var opts []oss.ClientOption
	if m.v4 {
		opts = append(opts, oss.AuthVersion(oss.AuthV4), oss.Region(testRegion))
	}
	if m.vhost {
		endpoint = "http://" + testDomain
		dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "tcp", s.Addr())
		}
		opts = append(opts, oss.HTTPClient(&http.Client{Transport: &http.Transport{DialContext: dial}}))
	}
	c, err := oss.New(endpoint, testAK, secret, opts...)
	require.NoError(t, err)
	b, err := c.Bucket(testBucket)
	require.NoError(t, err)
	return b
}

func serviceError(t *testing.T, err error) oss.ServiceError {
	t.Helper()
	var se oss.ServiceError
	require.True(t, errors.As(err, &se), "want oss.ServiceError, got %T: %v", err, err)
	return se
}
