// Package imageref parses container image references the way the
// distribution project's grammar defines them
// (name[:tag][@digest], github.com/distribution/reference), without pulling
// that module into the build: dingops only needs to validate a reference,
// split it into registry, repository, tag and digest, and print a short form.
package imageref

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// DockerHub is the registry a reference without a domain names.
const DockerHub = "docker.io"

// nameMaxLength is the longest repository name, domain included, that the
// distribution grammar accepts.
const nameMaxLength = 255

// The pieces of the grammar, as in distribution/reference's regexp.go.
const (
	alphanumeric    = `[a-z0-9]+`
	separator       = `(?:[._]|__|[-]+)`
	pathComponent   = alphanumeric + `(?:` + separator + alphanumeric + `)*`
	domainComponent = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
	domainName      = domainComponent + `(?:\.` + domainComponent + `)*`
	ipv6Address     = `\[(?:[a-fA-F0-9:]+)\]`
	domainAndPort   = `(?:` + domainName + `|` + ipv6Address + `)(?::[0-9]+)?`
)

var (
	pathRE   = regexp.MustCompile(`^` + pathComponent + `(?:/` + pathComponent + `)*$`)
	domainRE = regexp.MustCompile(`^` + domainAndPort + `$`)
	tagRE    = regexp.MustCompile(`^[\w][\w.-]{0,127}$`)
	sha256RE = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
	sha512RE = regexp.MustCompile(`^sha512:[a-f0-9]{128}$`)
)

// ErrInvalid is wrapped by every parse error.
var ErrInvalid = errors.New("invalid image reference")

// Ref is a parsed image reference. Fields keep what was written: Domain is
// empty when the reference names none (Docker Hub).
type Ref struct {
	Domain string // "registry.example.com:5000", or "" for Docker Hub
	Path   string // "team/web" as written (no "library/" added)
	Tag    string // "v42", or "" when absent
	Digest string // "sha256:…", or "" when absent
}

// Parse validates s and splits it. It accepts what Kubernetes accepts in
// practice (any registry, tag and digest) but refuses anything outside the
// grammar, uppercase repository names, and digests other than sha256/sha512.
func Parse(s string) (Ref, error) {
	if s == "" || strings.TrimSpace(s) != s {
		return Ref{}, fmt.Errorf("%w %q: empty or surrounded by spaces", ErrInvalid, s)
	}
	rest, digest, hasDigest := strings.Cut(s, "@")
	if hasDigest {
		if err := ValidateDigest(digest); err != nil {
			return Ref{}, fmt.Errorf("%w %q: %w", ErrInvalid, s, err)
		}
	}
	name, tag := splitTag(rest)
	if tag != "" && !tagRE.MatchString(tag) {
		return Ref{}, fmt.Errorf("%w %q: bad tag %q", ErrInvalid, s, tag)
	}
	if tag == "" && strings.HasSuffix(rest, ":") {
		return Ref{}, fmt.Errorf("%w %q: empty tag", ErrInvalid, s)
	}
	r, err := splitName(name)
	if err != nil {
		return Ref{}, fmt.Errorf("%w %q: %w", ErrInvalid, s, err)
	}
	r.Tag, r.Digest = tag, digest
	return r, nil
}

// splitTag separates a tag: the last ":" after the last "/" (a ":" before
// it belongs to a registry port).
func splitTag(s string) (name, tag string) {
	i := strings.LastIndex(s, ":")
	if i < 0 || strings.Contains(s[i:], "/") {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// splitName finds the domain the way the distribution grammar does: the
// first component is a registry when it has a "." or ":", is "localhost",
// or has uppercase letters (a repository path never has).
func splitName(name string) (Ref, error) {
	if len(name) > nameMaxLength {
		return Ref{}, fmt.Errorf("name longer than %d characters", nameMaxLength)
	}
	var r Ref
	first, rest, ok := strings.Cut(name, "/")
	if ok && (strings.ContainsAny(first, ".:") || first == "localhost" || strings.ToLower(first) != first) {
		if !domainRE.MatchString(first) {
			return Ref{}, fmt.Errorf("bad registry %q", first)
		}
		r.Domain, name = first, rest
	}
	if !pathRE.MatchString(name) {
		return Ref{}, fmt.Errorf("bad repository %q (lowercase letters, digits and . _ - / only)", name)
	}
	r.Path = name
	return r, nil
}

// ValidateDigest accepts "sha256:" + 64 or "sha512:" + 128 lowercase hex
// digits, the algorithms registries use.
func ValidateDigest(d string) error {
	if sha256RE.MatchString(d) || sha512RE.MatchString(d) {
		return nil
	}
	return fmt.Errorf("bad digest %q (want sha256: and 64 lowercase hex digits)", d)
}

// String renders the reference as written.
func (r Ref) String() string {
	s := r.Path
	if r.Domain != "" {
		s = r.Domain + "/" + s
	}
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// Registry is the registry host the reference points at.
func (r Ref) Registry() string {
	if r.Domain == "" || r.Domain == "index.docker.io" {
		return DockerHub
	}
	return r.Domain
}

// Repository is the repository path as the registry's API names it: Docker
// Hub's official images live under "library/".
func (r Ref) Repository() string {
	if r.Registry() == DockerHub && !strings.Contains(r.Path, "/") {
		return "library/" + r.Path
	}
	return r.Path
}

// Reference is what to ask the registry for: the digest when there is one
// (it is exact), else the tag, else "latest" as docker pull does.
func (r Ref) Reference() string {
	switch {
	case r.Digest != "":
		return r.Digest
	case r.Tag != "":
		return r.Tag
	}
	return "latest"
}

// Canonical is the fully qualified form ("docker.io/library/nginx:latest"),
// for comparing two spellings of the same image.
func (r Ref) Canonical() string {
	c := Ref{Domain: r.Registry(), Path: r.Repository(), Tag: r.Tag, Digest: r.Digest}
	if c.Tag == "" && c.Digest == "" {
		c.Tag = "latest"
	}
	return c.String()
}

// WithDigest returns the reference pinned to digest d (the tag, kept for
// people, is ignored by the runtime once a digest is present).
func (r Ref) WithDigest(d string) Ref {
	r.Digest = d
	return r
}

// Short is the form people read: the last path component with the tag
// and/or the first 12 hex digits of the digest ("web:v42",
// "web@sha256:3fa9c1d2e4f5", "web:v42@sha256:3fa9c1d2e4f5").
func (r Ref) Short() string {
	s := r.Path[strings.LastIndex(r.Path, "/")+1:]
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + ShortDigest(r.Digest)
	}
	return s
}

// ShortDigest abbreviates "sha256:<64 hex>" to "sha256:<12 hex>".
func ShortDigest(d string) string {
	algo, hex, ok := strings.Cut(d, ":")
	if !ok || len(hex) <= 12 {
		return d
	}
	return algo + ":" + hex[:12]
}
