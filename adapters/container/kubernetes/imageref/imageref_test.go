package imageref

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hex64 = "3fa9c1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1"

func TestParseValid(t *testing.T) {
	tests := []struct {
		in                                   string
		domain, path, tag, digest            string
		registry, repository, short, canonic string
	}{
		{in: "nginx", path: "nginx", registry: "docker.io", repository: "library/nginx", short: "nginx",
			canonic: "docker.io/library/nginx:latest"},
		{in: "nginx:1.25", path: "nginx", tag: "1.25", registry: "docker.io", repository: "library/nginx",
			short: "nginx:1.25", canonic: "docker.io/library/nginx:1.25"},
		{in: "team/web:v42", path: "team/web", tag: "v42", registry: "docker.io", repository: "team/web",
			short: "web:v42", canonic: "docker.io/team/web:v42"},
		{in: "localhost/web", domain: "localhost", path: "web", registry: "localhost", repository: "web",
			short: "web", canonic: "localhost/web:latest"},
		{in: "localhost:5000/a/b_c__d-e/web:v1", domain: "localhost:5000", path: "a/b_c__d-e/web", tag: "v1",
			registry: "localhost:5000", repository: "a/b_c__d-e/web", short: "web:v1",
			canonic: "localhost:5000/a/b_c__d-e/web:v1"},
		{in: "registry.cn-hangzhou.aliyuncs.com/team/web@sha256:" + hex64,
			domain: "registry.cn-hangzhou.aliyuncs.com", path: "team/web", digest: "sha256:" + hex64,
			registry: "registry.cn-hangzhou.aliyuncs.com", repository: "team/web", short: "web@sha256:3fa9c1d2e4f5",
			canonic: "registry.cn-hangzhou.aliyuncs.com/team/web@sha256:" + hex64},
		{in: "reg.io/web:v2@sha256:" + hex64, domain: "reg.io", path: "web", tag: "v2", digest: "sha256:" + hex64,
			registry: "reg.io", repository: "web", short: "web:v2@sha256:3fa9c1d2e4f5",
			canonic: "reg.io/web:v2@sha256:" + hex64},
		{in: "[::1]:5000/web:v1", domain: "[::1]:5000", path: "web", tag: "v1", registry: "[::1]:5000",
			repository: "web", short: "web:v1", canonic: "[::1]:5000/web:v1"},
		{in: "Registry.Example/web", domain: "Registry.Example", path: "web", registry: "Registry.Example",
			repository: "web", short: "web", canonic: "Registry.Example/web:latest"},
		{in: "index.docker.io/nginx:1", domain: "index.docker.io", path: "nginx", tag: "1", registry: "docker.io",
			repository: "library/nginx", short: "nginx:1", canonic: "docker.io/library/nginx:1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := Parse(tt.in)
			require.NoError(t, err)
			assert.Equal(t, Ref{Domain: tt.domain, Path: tt.path, Tag: tt.tag, Digest: tt.digest}, r)
			assert.Equal(t, tt.in, r.String(), "String renders what was written")
			assert.Equal(t, tt.registry, r.Registry())
			assert.Equal(t, tt.repository, r.Repository())
			assert.Equal(t, tt.short, r.Short())
			assert.Equal(t, tt.canonic, r.Canonical())
		})
	}
}

func TestParseInvalid(t *testing.T) {
	for _, in := range []string{
		"", " nginx", "nginx ", "Nginx", "team/Web", "web:", "web:-bad", "web:" + strings.Repeat("a", 129),
		"web@sha256:abc", "web@md5:" + hex64[:32], "web@sha256:" + strings.ToUpper(hex64),
		"web@@sha256:" + hex64, "reg..io/web", "-reg.io/web", "reg.io:port/web", "web//x", "web/", "/web",
		"a-/b", "reg.io/" + strings.Repeat("a", 256), "web:v1:v2",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := Parse(in)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalid)
		})
	}
}

func TestReferenceAndDigest(t *testing.T) {
	r, err := Parse("reg.io/web")
	require.NoError(t, err)
	assert.Equal(t, "latest", r.Reference())
	r.Tag = "v1"
	assert.Equal(t, "v1", r.Reference())
	p := r.WithDigest("sha256:" + hex64)
	assert.Equal(t, "sha256:"+hex64, p.Reference(), "a digest is asked for before a tag")
	assert.Equal(t, "reg.io/web:v1@sha256:"+hex64, p.String())
	assert.Equal(t, "reg.io/web:v1", r.String(), "WithDigest does not change the receiver")

	require.NoError(t, ValidateDigest("sha512:"+hex64+hex64))
	require.Error(t, ValidateDigest("sha256:"+hex64[:63]))
	assert.Equal(t, "sha256:3fa9c1d2e4f5", ShortDigest("sha256:"+hex64))
	assert.Equal(t, "short", ShortDigest("short"))
}
