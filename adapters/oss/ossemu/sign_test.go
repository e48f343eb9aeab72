package ossemu

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected signatures are the SDK's own fixtures
// (aliyun-oss-go-sdk v3.0.2 oss/conn_test.go: TestAuthV1Header,
// TestAuthV4Header, TestAuthV4HeaderWithAdditionalHeaders), so the
// emulator's canonicalisation is checked against the signer's, not itself.

func fixtureRequest(t *testing.T, method, rawQuery string, h map[string]string) *http.Request {
	r, err := http.NewRequest(method, "http://examplebucket.oss-cn-hangzhou.aliyuncs.com/?"+rawQuery, nil)
	require.NoError(t, err)
	for k, v := range h {
		r.Header.Add(k, v)
	}
	return r
}

func TestV1SignatureFixtures(t *testing.T) {
	put := map[string]string{"Content-MD5": "eB5eJF1ptWaXm4bijSPyxw==", "Content-Type": "text/html",
		"x-oss-meta-author": "alice", "x-oss-meta-magic": "abracadabra",
		"x-oss-date": "Wed, 28 Dec 2022 10:27:41 GMT", "Date": "Wed, 28 Dec 2022 10:27:41 GMT"}
	get := map[string]string{"x-oss-date": "Wed, 28 Dec 2022 10:27:41 GMT", "Date": "Wed, 28 Dec 2022 10:27:41 GMT"}
	cases := []struct {
		name, method, key, query string
		header                   map[string]string
		want                     string
	}{
		{"object", "PUT", "nelson", "", put, "kSHKmLxlyEAKtZPkJhG9bZb5k7M="},
		{"sub-resource", "PUT", "nelson", "acl", put, "/afkugFbmWDQ967j1vr6zygBLQk="},
		{"unsigned parameter dropped", "GET", "", "resourceGroup&non-resousce=null", get, "vkQmfuUDyi1uDi3bKt67oemssIs="},
		{"sub-resources sorted", "GET", "", "resourceGroup&acl", get, "x3E5TgOvl/i7PN618s5mEvpJDYk="},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := fixtureRequest(t, c.method, c.query, c.header)
			sts := stringToSignV1(r, resourceV1("examplebucket", c.key, r.URL.RawQuery))
			assert.Equal(t, c.want, signV1("sk", sts), "string to sign:\n%s", sts)
		})
	}
}

func TestV4SignatureFixtures(t *testing.T) {
	// params {param1:value1, +param1:value3, |param1:value4, +param2, |param2,
	// param2} as the SDK puts them on the URL (getURLParams).
	query := "%2Bparam1=value3&%2Bparam2&param1=value1&param2&%7Cparam1=value4&%7Cparam2"
	base := map[string]string{"x-oss-head1": "value", "abc": "value", "ZAbc": "value", "XYZ": "value",
		"content-type": "text/plain", "x-oss-content-sha256": "UNSIGNED-PAYLOAD"}
	cases := []struct {
		name, date, httpDate string
		additional           []string
		want                 string
	}{
		{"plain", "20231216T162057Z", "Sat, 16 Dec 2023 16:20:57 GMT", nil,
			"e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe"},
		{"additional headers", "20231216T172512Z", "Sat, 16 Dec 2023 17:25:12 GMT", []string{"abc", "zabc"},
			"4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := fixtureRequest(t, "PUT", query, base)
			r.Header.Set("x-oss-date", c.date)
			r.Header.Set("Date", c.httpDate)
			stamp, day, ok := v4Time(r.Header)
			require.True(t, ok)
			creq := canonicalRequestV4(r, canonicalURIV4("bucket", "1234+-/123/1.txt"), c.additional)
			sts := stringToSignV4(stamp, day, "cn-hangzhou", creq)
			assert.Equal(t, c.want, signV4("sk", day, "cn-hangzhou", sts), "canonical request:\n%s", creq)
		})
	}
}

func TestSpacedHex(t *testing.T) {
	assert.Equal(t, "50 55 54 0A", spacedHex([]byte("PUT\n")))
}
