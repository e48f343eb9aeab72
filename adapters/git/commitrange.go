package git

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dingops/dingops/core"
)

var _ core.CommitLog = (*Checker)(nil)

// Range implements core.CommitLog: the first-parent commits each of
// q.Live and q.Target has that the other lacks, as `git log --first-parent
// target..live` and `live..target` list them.
func (c *Checker) Range(ctx context.Context, q core.RangeQuery) (core.CommitRange, error) {
	r, err := c.remote(q.Repo)
	if err != nil {
		return core.CommitRange{}, fmt.Errorf("listing commits of %s: %w", q.App, err)
	}
	for _, sha := range []string{q.Live, q.Target} {
		if !hexSHA.MatchString(sha) {
			return core.CommitRange{}, fmt.Errorf("listing commits of %s: invalid commit id %q", q.App, sha)
		}
	}
	rng, err := c.commitRange(ctx, r, q)
	if err != nil {
		return core.CommitRange{}, fmt.Errorf("listing commits of %s between %s and %s in %s: %w",
			q.App, q.Target, q.Live, r.display, err)
	}
	return rng, nil
}

func (c *Checker) commitRange(ctx context.Context, r remote, q core.RangeQuery) (core.CommitRange, error) {
	ids, err := c.known(ctx, r, q.Live, q.Target)
	if err != nil {
		return core.CommitRange{}, err
	}
	rng := core.CommitRange{Live: q.Live, Target: q.Target}
	for i, id := range ids {
		if id == "" {
			rng.Unknown = append(rng.Unknown, []string{q.Live, q.Target}[i])
		}
	}
	if len(rng.Unknown) > 0 {
		return rng, nil
	}
	rng.Live, rng.Target = ids[0], ids[1]
	limit := q.Max
	if limit <= 0 {
		limit = c.cfg.MaxCommits
	}
	if rng.Undone, rng.UndoneTotal, err = c.side(ctx, r.dir, rng.Live, rng.Target, limit); err != nil {
		return rng, err
	}
	if rng.Added, rng.AddedTotal, err = c.side(ctx, r.dir, rng.Target, rng.Live, limit); err != nil {
		return rng, err
	}
	// Each side lists its own head unless it is the other's ancestor, so
	// two non-empty sides mean neither is: the histories diverged.
	if rng.UndoneTotal > 0 && rng.AddedTotal > 0 {
		rng.Diverged = true
		rng.Base, err = c.mergeBase(ctx, r.dir, rng.Live, rng.Target)
	}
	return rng, err
}

// known resolves commit ids in the mirror. Commits never change, so when
// the mirror has them all there is nothing to fetch; otherwise it is
// fetched once (under the mirror lock) and asked again.
func (c *Checker) known(ctx context.Context, r remote, ids ...string) ([]string, error) {
	full, err := c.resolveAll(ctx, r.dir, ids)
	if err != nil || !hasEmpty(full) {
		return full, err
	}
	unlock, err := c.lockMirror(ctx, r.dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := c.ensureMirror(ctx, r.dir); err != nil {
		return nil, err
	}
	if err := c.fetch(ctx, r); err != nil {
		return nil, err
	}
	return c.resolveAll(ctx, r.dir, ids)
}

func (c *Checker) resolveAll(ctx context.Context, dir string, ids []string) ([]string, error) {
	out := make([]string, len(ids))
	if !mirrorExists(dir) {
		return out, nil
	}
	for i, id := range ids {
		full, err := c.resolveCommit(ctx, dir, id)
		if err != nil {
			return nil, err
		}
		out[i] = full
	}
	return out, nil
}

func mirrorExists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "HEAD"))
	return err == nil
}

func hasEmpty(ids []string) bool {
	for _, id := range ids {
		if id == "" {
			return true
		}
	}
	return false
}

// side lists the first-parent commits of include that exclude lacks,
// newest first, at most limit, and how many there are in all.
func (c *Checker) side(ctx context.Context, dir, include, exclude string, limit int) ([]core.Commit, int, error) {
	out, err := c.runOK(ctx, dir, "rev-list", "--first-parent", "--count", include, "^"+exclude, "--")
	if err != nil {
		return nil, 0, fmt.Errorf("counting commits: %w", err)
	}
	total, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || total == 0 {
		return nil, 0, err
	}
	out, err = c.runOK(ctx, dir, "log", "--first-parent", "--no-decorate", "--no-color", "-z",
		"--format=%H%x00%an%x00%s%x00%P", "--max-count="+strconv.Itoa(limit), include, "^"+exclude, "--")
	if err != nil {
		return nil, 0, fmt.Errorf("listing commits: %w", err)
	}
	commits, merges := parseLogParents(out)
	for i, parent := range merges {
		if parent == "" {
			continue
		}
		if commits[i].Merged, err = c.mergedCount(ctx, dir, commits[i].SHA, parent); err != nil {
			return nil, 0, err
		}
	}
	return commits, total, nil
}

// mergedCount is how many commits merge brought in beside itself: those
// reachable from it but not from its first parent.
func (c *Checker) mergedCount(ctx context.Context, dir, merge, firstParent string) (int, error) {
	out, err := c.runOK(ctx, dir, "rev-list", "--count", merge, "^"+firstParent, "--")
	if err != nil {
		return 0, fmt.Errorf("counting commits merged by %s: %w", merge, err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	return max(n-1, 0), err
}

func (c *Checker) mergeBase(ctx context.Context, dir, a, b string) (string, error) {
	args := []string{"merge-base", a, b}
	res, err := c.run(ctx, dir, c.baseEnv(), args...)
	switch {
	case err != nil:
		return "", fmt.Errorf("finding merge base: %w", err)
	case res.code == 1:
		return "", nil // unrelated histories
	case res.code != 0:
		return "", fmt.Errorf("finding merge base: %w", exitError(res, args))
	}
	return strings.TrimSpace(string(res.stdout)), nil
}

// parseLogParents reads "<sha>\0<author>\0<subject>\0<parents>" records;
// for each commit it returns its first parent when it is a merge, else "".
func parseLogParents(out []byte) ([]core.Commit, []string) {
	fields := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	var commits []core.Commit
	var merges []string
	for i := 0; i+3 < len(fields); i += 4 {
		commits = append(commits, core.Commit{SHA: fields[i], Author: fields[i+1], Subject: fields[i+2]})
		parents := strings.Fields(fields[i+3])
		first := ""
		if len(parents) > 1 {
			first = parents[0]
		}
		merges = append(merges, first)
	}
	return commits, merges
}
