package ossemu_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/oss/ossemu"
)

func TestGetRangeAndConditions(t *testing.T) {
	s := start(t, ossemu.Options{})
	o := s.Seed(testBucket, "k", []byte("0123456789"), nil)
	b := bucket(t, s, modes[1])
	read := func(opts ...oss.Option) (string, error) {
		rc, err := b.GetObject("k", opts...)
		if err != nil {
			return "", err
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		return string(data), err
	}
	for spec, want := range map[string]string{"2-4": "234", "7-": "789", "-3": "789", "5-100": "56789"} {
		a, z, _ := strings.Cut(spec, "-")
		var opt oss.Option
		if a == "" {
			opt = oss.NormalizedRange(spec)
		} else {
			opt = oss.NormalizedRange(a + "-" + z)
		}
		got, err := read(opt)
		require.NoError(t, err, spec)
		assert.Equal(t, want, got, spec)
	}
	_, err := read(oss.Range(20, 30))
	assert.Equal(t, "InvalidRange", serviceError(t, err).Code)

	got, err := read(oss.IfMatch(o.ETag))
	require.NoError(t, err)
	assert.Equal(t, "0123456789", got)
	_, err = read(oss.IfMatch(`"0000"`))
	se := serviceError(t, err)
	assert.Equal(t, http.StatusPreconditionFailed, se.StatusCode)
	assert.Equal(t, "PreconditionFailed", se.Code)
	_, err = read(oss.IfNoneMatch(o.ETag))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "304", "the SDK reports 304 as a plain error")
	_, err = read(oss.IfModifiedSince(o.LastModified.Add(time.Hour)))
	assert.Contains(t, err.Error(), "304")
	_, err = b.GetObjectDetailedMeta("k", oss.IfMatch(`"0000"`))
	assert.Equal(t, "PreconditionFailed", serviceError(t, err).Code)
}

func TestHeadMissingCarriesCodeInHeader(t *testing.T) {
	s := start(t, ossemu.Options{})
	b := bucket(t, s, modes[0])
	_, err := b.GetObjectDetailedMeta("nope.json")
	se := serviceError(t, err)
	assert.Equal(t, http.StatusNotFound, se.StatusCode)
	assert.Equal(t, "NoSuchKey", se.Code)
	assert.NotEmpty(t, se.RequestID)

	c, err := oss.New(s.URL(), testAK, testSecret)
	require.NoError(t, err)
	missing, err := c.Bucket("missing-bucket")
	require.NoError(t, err)
	_, err = missing.GetObject("k")
	assert.Equal(t, "NoSuchBucket", serviceError(t, err).Code)
}

func TestCopyCopyVersusReplace(t *testing.T) {
	s := start(t, ossemu.Options{})
	src := s.Seed(testBucket, "web/manifest.3fa9c1.json", []byte(`{"v":1}`), http.Header{
		"Content-Type": {"text/plain"}, "Cache-Control": {"public, max-age=31536000, immutable"},
		"X-Oss-Meta-Build": {"42"}})
	b := bucket(t, s, modes[1])

	res, err := b.CopyObject(src.Key, "copied.json")
	require.NoError(t, err)
	assert.Equal(t, src.ETag, res.ETag, "a copy keeps the ETag of a simple object")
	o, _ := s.Object(testBucket, "copied.json")
	assert.Equal(t, "public, max-age=31536000, immutable", o.Header.Get("Cache-Control"), "COPY keeps the source's metadata")
	assert.Equal(t, "42", o.Header.Get("X-Oss-Meta-Build"))

	_, err = b.CopyObject(src.Key, "web/manifest.json", oss.MetadataDirective(oss.MetaReplace),
		oss.CacheControl("no-cache"), oss.ContentType("application/json"), oss.Meta("dingops-source", src.Key))
	require.NoError(t, err)
	o, _ = s.Object(testBucket, "web/manifest.json")
	assert.Equal(t, "no-cache", o.Header.Get("Cache-Control"), "REPLACE takes the request's metadata")
	assert.Equal(t, "application/json", o.Header.Get("Content-Type"))
	assert.Equal(t, src.Key, o.Header.Get("X-Oss-Meta-Dingops-Source"))
	assert.Empty(t, o.Header.Get("X-Oss-Meta-Build"))
	assert.Equal(t, src.ETag, o.ETag)
	assert.Equal(t, `{"v":1}`, string(o.Body))
}

func TestCopyConditionsAndErrors(t *testing.T) {
	s := start(t, ossemu.Options{})
	src := s.Seed(testBucket, "a b+c/src.json", []byte("x"), nil)
	s.Seed(testBucket, "dst.json", []byte("old"), nil)
	b := bucket(t, s, modes[0])

	_, err := b.CopyObject(src.Key, "dst.json", oss.CopySourceIfMatch(`"0000"`))
	assert.Equal(t, "PreconditionFailed", serviceError(t, err).Code)
	_, err = b.CopyObject(src.Key, "dst.json", oss.CopySourceIfMatch(src.ETag))
	require.NoError(t, err)
	_, err = b.CopyObject(src.Key, "dst.json", oss.ForbidOverWrite(true))
	se := serviceError(t, err)
	assert.Equal(t, http.StatusConflict, se.StatusCode)
	assert.Equal(t, "FileAlreadyExists", se.Code)
	_, err = b.CopyObject("missing.json", "dst.json")
	assert.Equal(t, "NoSuchKey", serviceError(t, err).Code)

	reqs := s.Requests()
	require.NotEmpty(t, reqs)
	assert.Equal(t, "/bkt/a+b%2Bc%2Fsrc.json", reqs[0].Header.Get("X-Oss-Copy-Source"),
		"the SDK QueryEscapes the copy source; the emulator decodes it with QueryUnescape")
}

func TestListObjectsV2Paging(t *testing.T) {
	s := start(t, ossemu.Options{})
	keys := []string{"web/a+1.json", "web/a 2.json", "web/assets/x.js", "web/assets/y.js", "web/b%3.json",
		"web/manifest.json", "web/zz/deep/k", "other/k"}
	for _, k := range keys {
		s.Seed(testBucket, k, []byte(k), nil)
	}
	for _, m := range modes[:2] {
		t.Run(m.name, func(t *testing.T) {
			b := bucket(t, s, m)
			var got []string
			token, pages := "", 0
			for {
				opts := []oss.Option{oss.Prefix("web/"), oss.MaxKeys(2), oss.Delimiter("/")}
				if token != "" {
					opts = append(opts, oss.ContinuationToken(token))
				}
				res, err := b.ListObjectsV2(opts...)
				require.NoError(t, err)
				pages++
				for _, o := range res.Objects {
					got = append(got, o.Key)
				}
				got = append(got, res.CommonPrefixes...)
				if !res.IsTruncated {
					break
				}
				token = res.NextContinuationToken
				require.NotEmpty(t, token)
			}
			assert.ElementsMatch(t, []string{"web/a 2.json", "web/a+1.json", "web/assets/", "web/b%3.json",
				"web/manifest.json", "web/zz/"}, got)
			assert.Equal(t, 3, pages)

			res, err := b.ListObjectsV2(oss.StartAfter("web/b%3.json"), oss.FetchOwner(true))
			require.NoError(t, err)
			require.Len(t, res.Objects, 2)
			assert.Equal(t, "web/manifest.json", res.Objects[0].Key)
			assert.NotEmpty(t, res.Objects[0].Owner.ID)
		})
	}
	_, err := bucket(t, s, modes[0]).ListObjectsV2(oss.MaxKeys(5000))
	assert.Equal(t, "InvalidArgument", serviceError(t, err).Code)
}

func TestFaultInjection(t *testing.T) {
	s := start(t, ossemu.Options{})
	s.Seed(testBucket, "k", []byte("x"), nil)
	b := bucket(t, s, modes[0])
	s.InjectFault(ossemu.Fault{Op: ossemu.OpHeadObject, Count: 2, Status: 503, Code: "ServiceUnavailable"})
	for i := 0; i < 2; i++ {
		_, err := b.GetObjectDetailedMeta("k")
		se := serviceError(t, err)
		assert.Equal(t, 503, se.StatusCode)
		assert.Equal(t, "ServiceUnavailable", se.Code)
	}
	_, err := b.GetObjectDetailedMeta("k")
	require.NoError(t, err)
	assert.Empty(t, s.Faults())

	s.InjectFault(ossemu.Fault{Op: ossemu.OpCopyObject, Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = b.CopyObject("k", "k2", oss.WithContext(ctx))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	_, ok := s.Object(testBucket, "k2")
	assert.False(t, ok, "a hung copy changes nothing")
	require.Eventually(t, func() bool {
		reqs := s.Requests()
		return reqs[len(reqs)-1].Code == "Hang"
	}, 5*time.Second, 10*time.Millisecond, "the hung request is logged once the client gives up")
}

func TestAnonymousAccessAndErrorXML(t *testing.T) {
	s := start(t, ossemu.Options{})
	s.Seed(testBucket, "web/manifest.json", []byte("{}"), nil)
	resp, err := http.Get(s.URL() + "/bkt/web/manifest.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
	var e struct{ Code, Message, RequestId, HostId, EC string }
	require.NoError(t, xml.NewDecoder(resp.Body).Decode(&e))
	assert.Equal(t, "AccessDenied", e.Code)
	assert.NotEmpty(t, e.Message)
	assert.NotEmpty(t, e.EC)
	assert.Equal(t, "bkt.127.0.0.1", e.HostId)
	assert.Equal(t, resp.Header.Get("x-oss-request-id"), e.RequestId)
	assert.Len(t, e.RequestId, 24)

	public := start(t, ossemu.Options{PublicRead: true})
	public.Seed(testBucket, "web/manifest.json", []byte("{}"), nil)
	resp2, err := http.Get(public.URL() + "/bkt/web/manifest.json")
	require.NoError(t, err)
	defer resp2.Body.Close()
	body, _ := io.ReadAll(resp2.Body)
	assert.Equal(t, http.StatusOK, resp2.StatusCode)
	assert.Equal(t, "{}", string(body))
}

func TestDelayIsSettable(t *testing.T) {
	s := start(t, ossemu.Options{Delay: 5 * time.Millisecond})
	assert.Equal(t, 5*time.Millisecond, s.Delay())
	s.SetDelay(0)
	assert.Equal(t, time.Duration(0), s.Delay())
	s.Seed(testBucket, "k", []byte("x"), nil)
	s.SetDelay(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := bucket(t, s, modes[0]).GetObjectDetailedMeta("k", oss.WithContext(ctx))
	require.ErrorIs(t, err, context.DeadlineExceeded, "a delayed request still honours the client's context")
	assert.Equal(t, fmt.Sprint([]string{"k"}), fmt.Sprint(s.Keys(testBucket, "")))
}
