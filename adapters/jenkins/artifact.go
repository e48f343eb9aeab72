package jenkins

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/dingops/dingops/core"
)

// maxArtifact bounds the artifact file.
const maxArtifact = 1 << 20

// ArtifactFile is the JSON a build archives as dingops-artifact.json to say
// what it produced. Fields of another kind than its own are refused, so a
// pipeline that writes the wrong kind fails loudly:
//
//	{"kind": "container", "image": "registry/web@sha256:<64 hex>",
//	 "commit": "<40 hex>", "commits": [{"sha": "<40 hex>", "author": "…", "subject": "…"}]}
//	{"kind": "oss", "manifest_key": "web/manifest.3fa9c1.json", "etag": "\"5B3C…\""}
//	{"kind": "miniapp", "miniapp_version_id": "12345", "miniapp_version": "0.3.1"}
type ArtifactFile struct {
	Kind             string           `json:"kind"`
	Image            string           `json:"image,omitempty"`
	ManifestKey      string           `json:"manifest_key,omitempty"`
	ETag             string           `json:"etag,omitempty"`
	MiniAppVersionID string           `json:"miniapp_version_id,omitempty"`
	MiniAppVersion   string           `json:"miniapp_version,omitempty"`
	Commit           string           `json:"commit,omitempty"`
	Commits          []ArtifactCommit `json:"commits,omitempty"`
}

// ArtifactCommit is one commit the build includes; sha is a full commit id.
type ArtifactCommit struct {
	SHA     string `json:"sha"`
	Author  string `json:"author,omitempty"`
	Subject string `json:"subject,omitempty"`
}

var (
	shaRE    = regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`)
	digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
)

// DecodeArtifact reads an artifact file strictly: one JSON object, no
// unknown fields, a known kind with the field it needs and none of another
// kind's, full commit ids.
func DecodeArtifact(data []byte) (core.BuildResult, error) {
	if len(data) > maxArtifact {
		return core.BuildResult{}, fmt.Errorf("artifact file is larger than %d bytes", maxArtifact)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f ArtifactFile
	if err := dec.Decode(&f); err != nil {
		return core.BuildResult{}, fmt.Errorf("decoding artifact file: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return core.BuildResult{}, fmt.Errorf("decoding artifact file: data after the JSON object")
	}
	return f.result()
}

// EncodeArtifact writes the artifact file a build of res would archive,
// for pipelines' tests and the playground.
func EncodeArtifact(res core.BuildResult) ([]byte, error) {
	f := ArtifactFile{Kind: string(res.Artifact.Kind), Commit: res.Commit}
	switch res.Artifact.Kind {
	case core.TargetContainer:
		f.Image = res.Artifact.Ref
	case core.TargetOSS:
		f.ManifestKey, f.ETag = res.Artifact.Ref, res.Artifact.Digest
	case core.TargetMiniApp:
		f.MiniAppVersionID, f.MiniAppVersion = res.Artifact.Ref, res.Artifact.Display
	}
	for _, c := range res.Commits {
		f.Commits = append(f.Commits, ArtifactCommit{SHA: c.SHA, Author: c.Author, Subject: c.Subject})
	}
	if _, err := f.result(); err != nil {
		return nil, err
	}
	return json.Marshal(f)
}

// result validates the file and maps it to a build result.
func (f ArtifactFile) result() (core.BuildResult, error) {
	a, err := f.artifact()
	if err != nil {
		return core.BuildResult{}, fmt.Errorf("artifact file: %w", err)
	}
	res := core.BuildResult{Artifact: a}
	if f.Commit != "" {
		if res.Commit, err = commitID("commit", f.Commit); err != nil {
			return core.BuildResult{}, fmt.Errorf("artifact file: %w", err)
		}
	}
	for i, c := range f.Commits {
		sha, err := commitID(fmt.Sprintf("commits[%d].sha", i), c.SHA)
		if err != nil {
			return core.BuildResult{}, fmt.Errorf("artifact file: %w", err)
		}
		res.Commits = append(res.Commits, core.Commit{SHA: sha, Author: c.Author, Subject: c.Subject})
	}
	return res, nil
}

func (f ArtifactFile) artifact() (core.Artifact, error) {
	fields := []struct{ name, value string }{{"image", f.Image}, {"manifest_key", f.ManifestKey},
		{"etag", f.ETag}, {"miniapp_version_id", f.MiniAppVersionID}, {"miniapp_version", f.MiniAppVersion}}
	var own []string
	switch core.TargetKind(f.Kind) {
	case core.TargetContainer:
		own = []string{"image"}
	case core.TargetOSS:
		own = []string{"manifest_key", "etag"}
	case core.TargetMiniApp:
		own = []string{"miniapp_version_id", "miniapp_version"}
	default:
		return core.Artifact{}, fmt.Errorf("kind %q is not container, oss or miniapp", f.Kind)
	}
	for _, fld := range fields {
		if fld.value != "" && !slices.Contains(own, fld.name) {
			return core.Artifact{}, fmt.Errorf("field %s does not belong to kind %s", fld.name, f.Kind)
		}
		if fld.value != "" && !printable(fld.value) {
			return core.Artifact{}, fmt.Errorf("field %s has spaces or control characters", fld.name)
		}
	}
	switch core.TargetKind(f.Kind) {
	case core.TargetContainer:
		return containerArtifact(f.Image)
	case core.TargetOSS:
		return ossArtifact(f.ManifestKey, f.ETag)
	}
	return miniAppArtifact(f.MiniAppVersionID, f.MiniAppVersion)
}

func containerArtifact(image string) (core.Artifact, error) {
	if image == "" {
		return core.Artifact{}, fmt.Errorf("kind container needs image")
	}
	a := core.Artifact{Kind: core.TargetContainer, Ref: image, Display: path.Base(image)}
	if name, digest, ok := strings.Cut(image, "@"); ok {
		if !digestRE.MatchString(digest) || name == "" {
			return core.Artifact{}, fmt.Errorf("image %q: the digest must be sha256:<64 lowercase hex>", image)
		}
		a.Digest = digest
		a.Display = path.Base(name) + "@" + digest[:len("sha256:")+12]
	}
	if strings.HasSuffix(image, "/") || strings.HasPrefix(image, "/") {
		return core.Artifact{}, fmt.Errorf("image %q is not an image reference", image)
	}
	return a, nil
}

func ossArtifact(key, etag string) (core.Artifact, error) {
	if key == "" {
		return core.Artifact{}, fmt.Errorf("kind oss needs manifest_key")
	}
	if strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/") || slices.Contains(strings.Split(key, "/"), "..") {
		return core.Artifact{}, fmt.Errorf("manifest_key %q is not an object key", key)
	}
	return core.Artifact{Kind: core.TargetOSS, Ref: key, Digest: normalizeETag(etag), Display: path.Base(key)}, nil
}

// normalizeETag writes an OSS ETag the way the OSS target reports it (no
// weak prefix, no quotes, upper case), so digests compare equal.
func normalizeETag(etag string) string {
	e := strings.TrimPrefix(strings.TrimSpace(etag), "W/")
	return strings.ToUpper(strings.Trim(e, `"`))
}

func miniAppArtifact(id, version string) (core.Artifact, error) {
	if id == "" || version == "" {
		return core.Artifact{}, fmt.Errorf("kind miniapp needs miniapp_version_id and miniapp_version")
	}
	return core.Artifact{Kind: core.TargetMiniApp, Ref: id, Display: version}, nil
}

// commitID checks a full commit id (SHA-1 or SHA-256), any case, and
// returns it in lowercase as git prints it.
func commitID(field, sha string) (string, error) {
	low := strings.ToLower(sha)
	if !shaRE.MatchString(low) {
		return "", fmt.Errorf("%s %q is not a full hex commit id", field, sha)
	}
	return low, nil
}

// printable refuses values with spaces or control characters, which no
// image reference, object key or version id contains.
func printable(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) < 0
}
