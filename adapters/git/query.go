package git

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/dingops/dingops/core"
)

// remote is one repository as the checker uses it.
type remote struct {
	url     string // what git fetches: the URL, or an absolute path
	display string // for errors and logs: credentials stripped
	dir     string // the bare mirror
	auth    RepoAuth
}

var hexSHA = regexp.MustCompile(`^[0-9a-fA-F]{4,64}$`)

// remote validates a repository URL or path and places its mirror.
func (c *Checker) remote(repo string) (remote, error) {
	display := redactURL(repo)
	switch {
	case repo == "":
		return remote{}, errors.New("no repository configured")
	case strings.HasPrefix(repo, "-") || hasControl(repo):
		return remote{}, fmt.Errorf("refusing repository %q", display)
	}
	fetchURL := repo
	if u, err := url.Parse(repo); err == nil && u.Scheme != "" && u.Host != "" {
		// A user name in an HTTPS URL may itself be a token, and git would
		// show it in argv; RepoAuth carries the user instead.
		if _, has := u.User.Password(); has || (u.User != nil && strings.HasPrefix(u.Scheme, "http")) {
			return remote{}, fmt.Errorf("repository %s carries credentials in its URL: name a token environment variable instead", display)
		}
	} else if isLocalPath(repo) {
		abs, err := filepath.Abs(repo)
		if err != nil {
			return remote{}, fmt.Errorf("resolving repository path %s: %w", display, err)
		}
		fetchURL = abs
	}
	sum := sha256.Sum256([]byte(repo))
	name := mirrorName(repo) + "-" + hex.EncodeToString(sum[:8]) + ".git"
	return remote{url: fetchURL, display: display, dir: filepath.Join(c.cfg.CacheDir, name),
		auth: c.cfg.Repos[repo]}, nil
}

// isLocalPath tells a path from scp-like "host:path" syntax the way git
// does: a colon before the first slash means a host.
func isLocalPath(repo string) bool {
	colon := strings.IndexByte(repo, ':')
	slash := strings.IndexByte(repo, '/')
	return colon < 0 || (slash >= 0 && slash < colon)
}

// mirrorName keeps the repository's last path element, so people browsing
// the cache see which mirror is which.
func mirrorName(repo string) string {
	base := strings.TrimSuffix(strings.TrimRight(repo, "/"), ".git")
	if i := strings.LastIndexAny(base, "/:"); i >= 0 {
		base = base[i+1:]
	}
	clean := strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (r == '-' || r == '_' || r == '.' ||
			'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, base)
	clean = strings.TrimLeft(clean, ".-")
	if len(clean) > 40 {
		clean = clean[:40]
	}
	if clean == "" {
		clean = "repo"
	}
	return clean
}

// redactURL strips credentials from a URL for errors and logs.
func redactURL(repo string) string {
	u, err := url.Parse(repo)
	if err != nil || u.User == nil {
		return repo
	}
	u.User = nil
	return u.String()
}

// validQuery checks what comes from configuration and the store; a bad
// value there is breakage, so it is an error.
func (c *Checker) validQuery(ctx context.Context, q core.BranchQuery) error {
	ok, err := c.validBranch(ctx, q.MainBranch)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("invalid main branch name %q", q.MainBranch)
	}
	for _, sha := range []string{q.LiveCommit, q.PrevCommit} {
		if sha != "" && !hexSHA.MatchString(sha) {
			return fmt.Errorf("invalid commit id %q", sha)
		}
	}
	return nil
}

// validBranch applies git's branch-name rules here first, so nothing that
// could read as an option or a revision expression reaches git, then asks
// git check-ref-format as the authority.
func (c *Checker) validBranch(ctx context.Context, name string) (bool, error) {
	if !branchNameOK(name) {
		return false, nil
	}
	res, err := c.run(ctx, c.cfg.CacheDir, c.baseEnv(), "check-ref-format", "--branch", name)
	if err != nil {
		return false, fmt.Errorf("checking branch name: %w", err)
	}
	return res.code == 0, nil
}

// branchNameOK implements git-check-ref-format(1) for refs/heads/<name>,
// plus what --branch adds (no leading "-", not "HEAD"), a little stricter:
// names must be valid UTF-8 and at most 255 bytes.
func branchNameOK(name string) bool {
	if name == "" || len(name) > 255 || !utf8.ValidString(name) || name == "HEAD" || name == "@" ||
		strings.HasPrefix(name, "-") || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") ||
		strings.HasSuffix(name, ".") || hasControl(name) ||
		strings.ContainsAny(name, " ~^:?*[\\") ||
		strings.Contains(name, "..") || strings.Contains(name, "//") || strings.Contains(name, "@{") {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") || strings.HasSuffix(part, ".lock") {
			return false
		}
	}
	return true
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
