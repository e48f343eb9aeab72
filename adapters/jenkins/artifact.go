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

	"github.com/dingops/dingops/adapters/oss/etag"
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
	if k, ok := artifactKindOf(res.Artifact.Kind); ok {
		k.encode(&f, res.Artifact)
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
	k, ok := artifactKindOf(core.TargetKind(f.Kind))
	if !ok {
		return core.Artifact{}, fmt.Errorf("kind %q is not %s", f.Kind, kindList())
	}
	fields := []struct{ name, value string }{{"image", f.Image}, {"manifest_key", f.ManifestKey},
		{"etag", f.ETag}, {"miniapp_version_id", f.MiniAppVersionID}, {"miniapp_version", f.MiniAppVersion}}
	for _, fld := range fields {
		if fld.value != "" && !slices.Contains(k.fields, fld.name) {
			return core.Artifact{}, fmt.Errorf("field %s does not belong to kind %s", fld.name, f.Kind)
		}
		if fld.value != "" && !printable(fld.value) {
			return core.Artifact{}, fmt.Errorf("field %s has spaces or control characters", fld.name)
		}
	}
	return k.decode(f)
}

// artifactKind is one target kind's part of the artifact file: the fields
// it owns, how they become an artifact and how an artifact writes them.
type artifactKind struct {
	kind   core.TargetKind
	fields []string // JSON names; every other kind's field is refused
	decode func(ArtifactFile) (core.Artifact, error)
	encode func(*ArtifactFile, core.Artifact)
}

// artifactKinds is the artifact file's registry of target kinds; a new
// kind of artifact is one entry (and its fields on ArtifactFile).
func artifactKinds() []artifactKind {
	return []artifactKind{
		{kind: core.TargetContainer, fields: []string{"image"},
			decode: func(f ArtifactFile) (core.Artifact, error) { return containerArtifact(f.Image) },
			encode: func(f *ArtifactFile, a core.Artifact) { f.Image = a.Ref }},
		{kind: core.TargetOSS, fields: []string{"manifest_key", "etag"},
			decode: func(f ArtifactFile) (core.Artifact, error) { return ossArtifact(f.ManifestKey, f.ETag) },
			encode: func(f *ArtifactFile, a core.Artifact) { f.ManifestKey, f.ETag = a.Ref, a.Digest }},
		{kind: core.TargetMiniApp, fields: []string{"miniapp_version_id", "miniapp_version"},
			decode: func(f ArtifactFile) (core.Artifact, error) {
				return miniAppArtifact(f.MiniAppVersionID, f.MiniAppVersion)
			},
			encode: func(f *ArtifactFile, a core.Artifact) { f.MiniAppVersionID, f.MiniAppVersion = a.Ref, a.Display }},
	}
}

func artifactKindOf(kind core.TargetKind) (artifactKind, bool) {
	for _, k := range artifactKinds() {
		if k.kind == kind {
			return k, true
		}
	}
	return artifactKind{}, false
}

// kindList is "container, oss or miniapp".
func kindList() string {
	ks := artifactKinds()
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = string(k.kind)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
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

func ossArtifact(key, tag string) (core.Artifact, error) {
	if key == "" {
		return core.Artifact{}, fmt.Errorf("kind oss needs manifest_key")
	}
	if strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/") || slices.Contains(strings.Split(key, "/"), "..") {
		return core.Artifact{}, fmt.Errorf("manifest_key %q is not an object key", key)
	}
	return core.Artifact{Kind: core.TargetOSS, Ref: key, Digest: etag.Normalize(tag), Display: path.Base(key)}, nil
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
