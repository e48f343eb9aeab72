package jenkins

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

const (
	digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	sha1   = "0123456789abcdef0123456789abcdef01234567"
)

func TestDecodeArtifact(t *testing.T) {
	cases := []struct {
		name, json string
		want       core.BuildResult
		err        string
	}{
		{name: "container by digest", json: `{"kind":"container","image":"reg.io/team/web@` + digest + `"}`,
			want: core.BuildResult{Artifact: core.Artifact{Kind: core.TargetContainer, Ref: "reg.io/team/web@" + digest,
				Digest: digest, Display: "web@sha256:0123456789ab"}}},
		{name: "container by tag", json: `{"kind":"container","image":"reg.io:5000/web:v42"}`,
			want: core.BuildResult{Artifact: core.Artifact{Kind: core.TargetContainer, Ref: "reg.io:5000/web:v42", Display: "web:v42"}}},
		{name: "oss", json: `{"kind":"oss","manifest_key":"web/manifest.3fa9c1.json","etag":"\"5B3C\""}`,
			want: core.BuildResult{Artifact: core.Artifact{Kind: core.TargetOSS, Ref: "web/manifest.3fa9c1.json",
				Digest: "5B3C", Display: "manifest.3fa9c1.json"}}},
		{name: "miniapp with commits", json: `{"kind":"miniapp","miniapp_version_id":"12345","miniapp_version":"0.3.1",
			"commit":"` + strings.ToUpper(sha1) + `","commits":[{"sha":"` + sha1 + `","author":"韩梅梅","subject":"登录"}]}`,
			want: core.BuildResult{Artifact: core.Artifact{Kind: core.TargetMiniApp, Ref: "12345", Display: "0.3.1"},
				Commit: sha1, Commits: []core.Commit{{SHA: sha1, Author: "韩梅梅", Subject: "登录"}}}},
		{name: "unknown kind", json: `{"kind":"vm","image":"x"}`, err: `kind "vm" is not container, oss or miniapp`},
		{name: "no kind", json: `{}`, err: `kind "" is not`},
		{name: "container without image", json: `{"kind":"container"}`, err: "kind container needs image"},
		{name: "oss without key", json: `{"kind":"oss","etag":"x"}`, err: "kind oss needs manifest_key"},
		{name: "miniapp without version", json: `{"kind":"miniapp","miniapp_version_id":"1"}`, err: "needs miniapp_version_id and miniapp_version"},
		{name: "field of another kind", json: `{"kind":"oss","manifest_key":"k","image":"web:1"}`, err: "field image does not belong to kind oss"},
		{name: "bad digest", json: `{"kind":"container","image":"web@sha256:abc"}`, err: "the digest must be sha256:<64 lowercase hex>"},
		{name: "absolute key", json: `{"kind":"oss","manifest_key":"/web/m.json"}`, err: "is not an object key"},
		{name: "key with ..", json: `{"kind":"oss","manifest_key":"web/../m.json"}`, err: "is not an object key"},
		{name: "space in image", json: `{"kind":"container","image":"web :1"}`, err: "field image has spaces or control characters"},
		{name: "short commit", json: `{"kind":"oss","manifest_key":"k","commit":"0123abc"}`, err: `commit "0123abc" is not a full hex commit id`},
		{name: "bad commits sha", json: `{"kind":"oss","manifest_key":"k","commits":[{"sha":"` + sha1 + `"},{"sha":"zz"}]}`,
			err: `commits[1].sha "zz" is not a full hex commit id`},
		{name: "unknown field", json: `{"kind":"oss","manifest_key":"k","url":"x"}`, err: `unknown field "url"`},
		{name: "trailing data", json: `{"kind":"oss","manifest_key":"k"} {}`, err: "data after the JSON object"},
		{name: "not an object", json: `["oss"]`, err: "decoding artifact file"},
		{name: "wrong type", json: `{"kind":"oss","manifest_key":7}`, err: "decoding artifact file"},
		{name: "empty", json: ``, err: "decoding artifact file: EOF"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecodeArtifact([]byte(c.json))
			if c.err != "" {
				assert.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			encoded, err := EncodeArtifact(got)
			require.NoError(t, err)
			again, err := DecodeArtifact(encoded)
			require.NoError(t, err)
			assert.Equal(t, got, again, "encode and decode round-trip")
		})
	}
}

func TestDecodeArtifactSizeLimit(t *testing.T) {
	big := `{"kind":"oss","manifest_key":"k","commits":[` + strings.Repeat(`{"sha":"`+sha1+`"},`, 30000) + `]}`
	_, err := DecodeArtifact([]byte(big))
	assert.ErrorContains(t, err, "larger than")
}

func TestEncodeArtifactRefusesInvalid(t *testing.T) {
	_, err := EncodeArtifact(core.BuildResult{Artifact: core.Artifact{Kind: core.TargetOSS}})
	assert.ErrorContains(t, err, "kind oss needs manifest_key")
}

// FuzzDecodeArtifact checks that any input is either refused or decodes to
// a valid result that survives an encode/decode round trip.
func FuzzDecodeArtifact(f *testing.F) {
	f.Add([]byte(`{"kind":"container","image":"web@` + digest + `","commit":"` + sha1 + `"}`))
	f.Add([]byte(`{"kind":"oss","manifest_key":"web/m.json","etag":"e"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := DecodeArtifact(data)
		if err != nil {
			return
		}
		switch res.Artifact.Kind {
		case core.TargetContainer, core.TargetOSS, core.TargetMiniApp:
		default:
			t.Fatalf("decoded kind %q", res.Artifact.Kind)
		}
		if res.Artifact.Ref == "" || res.Artifact.Display == "" {
			t.Fatalf("decoded an artifact without ref or display: %+v", res.Artifact)
		}
		for _, c := range append(res.Commits, core.Commit{SHA: res.Commit}) {
			if c.SHA != "" && !shaRE.MatchString(c.SHA) {
				t.Fatalf("decoded commit %q", c.SHA)
			}
		}
		encoded, err := EncodeArtifact(res)
		if err != nil {
			t.Fatalf("encoding a decoded result: %v", err)
		}
		again, err := DecodeArtifact(encoded)
		if err != nil {
			t.Fatalf("decoding %s: %v", encoded, err)
		}
		assert.Equal(t, res, again)
	})
}
