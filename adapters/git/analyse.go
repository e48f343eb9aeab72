package git

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dingops/dingops/core"
)

// analyse answers the questions of a report about an existing branch.
func (c *Checker) analyse(ctx context.Context, dir string, h heads, q core.BranchQuery) (core.BranchReport, error) {
	rep := core.BranchReport{Exists: true, Commit: h.branch}
	var err error
	if rep.Conflicts, err = c.conflicts(ctx, dir, h); err != nil {
		return core.BranchReport{}, err
	}
	if q.LiveCommit != "" {
		if rep.MissingLive, err = c.missingLive(ctx, dir, h, q.LiveCommit); err != nil {
			return core.BranchReport{}, err
		}
	}
	from, err := c.since(ctx, dir, h, q)
	if err != nil {
		return core.BranchReport{}, err
	}
	if rep.Commits, err = c.commits(ctx, dir, h.branch, from); err != nil {
		return core.BranchReport{}, fmt.Errorf("listing commits since the previous release: %w", err)
	}
	return rep, nil
}

// conflicts merges the branch into main in memory (merge-tree writes only
// objects, never a ref or a worktree) and lists the conflicted files.
func (c *Checker) conflicts(ctx context.Context, dir string, h heads) ([]string, error) {
	args := []string{"merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", h.main, h.branch}
	res, err := c.run(ctx, dir, c.baseEnv(), args...)
	switch {
	case err != nil:
		return nil, fmt.Errorf("merging into main: %w", err)
	case res.code == 0:
		return nil, nil
	case res.code != 1:
		return nil, fmt.Errorf("merging into main: %w", exitError(res, args))
	}
	return parseConflicts(res.stdout), nil
}

// parseConflicts reads "<tree>\0<path>\0<path>\0…", git's -z output.
func parseConflicts(out []byte) []string {
	fields := strings.Split(string(out), "\x00")
	if len(fields) < 2 {
		return nil
	}
	seen := map[string]bool{}
	var files []string
	for _, f := range fields[1:] {
		if f != "" && !seen[f] {
			seen[f] = true
			files = append(files, f)
		}
	}
	return files
}

// missingLive lists commits reachable from what is live but not from the
// branch: releasing the branch would take them out of production.
func (c *Checker) missingLive(ctx context.Context, dir string, h heads, liveCommit string) ([]core.Commit, error) {
	live, err := c.resolveCommit(ctx, dir, liveCommit)
	if err != nil {
		return nil, err
	}
	if live == "" {
		// Refusing is safer than guessing: without the live commit nobody
		// can tell what the release would roll back.
		return nil, fmt.Errorf("live commit %s is not in the repository (was its branch deleted?)", liveCommit)
	}
	commits, err := c.commits(ctx, dir, live, h.branch)
	if err != nil {
		return nil, fmt.Errorf("listing live commits the branch lacks: %w", err)
	}
	return commits, nil
}

// since picks where "commits since the previous release" start: the
// previous release's commit, or else the merge base with main.
func (c *Checker) since(ctx context.Context, dir string, h heads, q core.BranchQuery) (string, error) {
	if q.PrevCommit != "" {
		prev, err := c.resolveCommit(ctx, dir, q.PrevCommit)
		if err != nil || prev != "" {
			return prev, err
		}
		c.log.WarnContext(ctx, "previous release commit not in repository, listing commits since the merge base",
			"app", q.App, "commit", q.PrevCommit)
	}
	args := []string{"merge-base", h.main, h.branch}
	res, err := c.run(ctx, dir, c.baseEnv(), args...)
	switch {
	case err != nil:
		return "", fmt.Errorf("finding merge base: %w", err)
	case res.code == 1:
		return "", nil // unrelated histories: list from the start
	case res.code != 0:
		return "", fmt.Errorf("finding merge base: %w", exitError(res, args))
	}
	return strings.TrimSpace(string(res.stdout)), nil
}

// resolveCommit turns a (possibly abbreviated) commit id into a full one,
// or "" if the repository has no such commit. An abbreviation goes through
// --disambiguate, which looks at objects only, so a branch named like a
// commit id cannot stand in for it.
func (c *Checker) resolveCommit(ctx context.Context, dir, id string) (string, error) {
	id = strings.ToLower(id)
	if len(id) == 40 || len(id) == 64 {
		full, err := c.resolve(ctx, dir, id)
		if full != id {
			full = ""
		}
		return full, err
	}
	out, err := c.runOK(ctx, dir, "rev-parse", "--disambiguate="+id)
	if err != nil {
		return "", fmt.Errorf("resolving commit %s: %w", id, err)
	}
	var found []string
	for _, cand := range strings.Fields(string(out)) {
		if full, err := c.resolve(ctx, dir, cand); err == nil && full == cand {
			found = append(found, cand)
		}
	}
	if len(found) > 1 {
		return "", fmt.Errorf("commit id %s is ambiguous", id)
	}
	return strings.Join(found, ""), nil
}

// commits lists commits reachable from include but not from exclude ("" = no
// exclusion), newest first, at most MaxCommits.
func (c *Checker) commits(ctx context.Context, dir, include, exclude string) ([]core.Commit, error) {
	args := []string{"log", "--no-decorate", "--no-color", "-z", "--format=%H%x00%an%x00%s",
		"--max-count=" + strconv.Itoa(c.cfg.MaxCommits), include}
	if exclude != "" {
		args = append(args, "^"+exclude)
	}
	out, err := c.runOK(ctx, dir, append(args, "--")...)
	if err != nil {
		return nil, err
	}
	return parseLog(out), nil
}

// parseLog reads "<sha>\0<author>\0<subject>" records, themselves
// separated by NUL (-z).
func parseLog(out []byte) []core.Commit {
	fields := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	var commits []core.Commit
	for i := 0; i+2 < len(fields); i += 3 {
		commits = append(commits, core.Commit{SHA: fields[i], Author: fields[i+1], Subject: fields[i+2]})
	}
	return commits
}
