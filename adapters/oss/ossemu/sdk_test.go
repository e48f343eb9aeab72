package ossemu_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/oss/ossemu"
)

// oddKeys exercise the escaping of "/", space, "+" and non-ASCII in both
// signature versions and both URL styles.
var oddKeys = []string{"web/manifest.json", "manifest.v1 +x.json", "a/b c+d/e%f.json", "目录/清单.json"}

func TestEveryOperationSignedBothWays(t *testing.T) {
	s := start(t, ossemu.Options{})
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			b := bucket(t, s, m)
			for _, key := range oddKeys {
				key = strings.ReplaceAll(m.name, " ", "-") + "/" + key
				body := []byte("content of " + key)
				require.NoError(t, b.PutObject(key, bytes.NewReader(body), oss.ContentType("application/json")), key)
				rc, err := b.GetObject(key)
				require.NoError(t, err, key)
				got, _ := io.ReadAll(rc)
				_ = rc.Close()
				assert.Equal(t, body, got)
				h, err := b.GetObjectDetailedMeta(key)
				require.NoError(t, err, key)
				assert.Equal(t, "application/json", h.Get("Content-Type"))
				_, err = b.GetObjectMeta(key)
				require.NoError(t, err, key)
				_, err = b.CopyObject(key, key+".copy")
				require.NoError(t, err, key)
				res, err := b.ListObjectsV2(oss.Prefix(key))
				require.NoError(t, err, key)
				require.Len(t, res.Objects, 2)
				assert.Equal(t, key, res.Objects[0].Key)
				require.NoError(t, b.DeleteObject(key+".copy"), key)
				exists, err := b.IsObjectExist(key + ".copy")
				require.NoError(t, err)
				assert.False(t, exists)
			}
		})
	}
	for _, r := range s.Requests() {
		if r.Op == ossemu.OpGetObjectMeta && r.Code == "NoSuchKey" {
			continue // IsObjectExist after the delete
		}
		assert.Empty(t, r.Code, "%s %s answered %d %s", r.Op, r.Key, r.Status, r.Code)
	}
}

func TestWrongSecretIsSignatureDoesNotMatch(t *testing.T) {
	s := start(t, ossemu.Options{})
	s.Seed(testBucket, "k", []byte("x"), nil)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			m.secret = "wrong"
			b := bucket(t, s, m)
			var hdr http.Header
			_, err := b.GetObject("k", oss.GetResponseHeader(&hdr))
			se := serviceError(t, err)
			assert.Equal(t, http.StatusForbidden, se.StatusCode)
			assert.Equal(t, "SignatureDoesNotMatch", se.Code)
			assert.NotEmpty(t, se.RequestID)
			assert.Equal(t, hdr.Get("x-oss-request-id"), se.RequestID)
			assert.NotEmpty(t, se.HostID)
			assert.NotEmpty(t, se.Ec)
			for _, f := range []string{"<OSSAccessKeyId>" + testAK + "</OSSAccessKeyId>", "<SignatureProvided>",
				"<StringToSign>GET\n", "<StringToSignBytes>47 45 54 0A"} {
				if m.v4 && strings.HasPrefix(f, "<StringToSign") {
					f = strings.Replace(strings.Replace(f, "GET\n", "OSS4-HMAC-SHA256\n", 1), "47 45 54 0A", "4F 53 53 34", 1)
				}
				assert.Contains(t, se.RawMessage, f)
			}
			// HEAD has no body: the error travels base64-encoded in x-oss-err.
			_, err = b.GetObjectDetailedMeta("k")
			assert.Equal(t, "SignatureDoesNotMatch", serviceError(t, err).Code)
		})
	}
}

func TestUnknownAccessKey(t *testing.T) {
	s := start(t, ossemu.Options{Credentials: map[string]string{"someone-else": "x"}})
	b := bucket(t, s, modes[1])
	err := b.PutObject("k", strings.NewReader("x"))
	se := serviceError(t, err)
	assert.Equal(t, http.StatusForbidden, se.StatusCode)
	assert.Equal(t, "InvalidAccessKeyId", se.Code)
}

func TestV4WithoutRegionRefused(t *testing.T) {
	s := start(t, ossemu.Options{})
	c, err := oss.New(s.URL(), testAK, testSecret, oss.AuthVersion(oss.AuthV4))
	require.NoError(t, err)
	b, err := c.Bucket(testBucket)
	require.NoError(t, err)
	err = b.PutObject("k", strings.NewReader("x"))
	assert.Equal(t, "InvalidArgument", serviceError(t, err).Code)
}

func TestPutChunkedAndContentLength(t *testing.T) {
	s := start(t, ossemu.Options{})
	b := bucket(t, s, modes[0])
	require.NoError(t, b.PutObject("sized", strings.NewReader("abc")))
	require.NoError(t, b.PutObject("chunked", io.MultiReader(strings.NewReader("de"), strings.NewReader("f"))))
	reqs := s.Requests()
	require.Len(t, reqs, 2)
	assert.False(t, reqs[0].Chunked)
	assert.EqualValues(t, 3, reqs[0].ContentLength)
	assert.True(t, reqs[1].Chunked)
	o, ok := s.Object(testBucket, "chunked")
	require.True(t, ok)
	assert.Equal(t, "def", string(o.Body))
	// ETag: quoted upper-case hex MD5, as OSS reports simple objects.
	assert.Equal(t, `"4ED9407630EB1000C0F6B63842DEFA7D"`, o.ETag)
}

func TestPutRefusesConditionsAndHonoursForbidOverwrite(t *testing.T) {
	s := start(t, ossemu.Options{})
	b := bucket(t, s, modes[1])
	err := b.PutObject("k", strings.NewReader("x"), oss.IfMatch(`"ABC"`))
	se := serviceError(t, err)
	assert.Equal(t, http.StatusBadRequest, se.StatusCode)
	assert.Equal(t, "NotImplemented", se.Code)
	assert.Contains(t, se.RawMessage, "<Header>If-Match</Header>")

	require.NoError(t, b.PutObject("k", strings.NewReader("x"), oss.ForbidOverWrite(true)))
	err = b.PutObject("k", strings.NewReader("y"), oss.ForbidOverWrite(true))
	se = serviceError(t, err)
	assert.Equal(t, http.StatusConflict, se.StatusCode)
	assert.Equal(t, "FileAlreadyExists", se.Code)
}
