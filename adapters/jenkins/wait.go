package jenkins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/dingops/dingops/core"
)

// errNoBuild: a queue item is gone and no recent build came from it.
var errNoBuild = errors.New("no build found")

// resultSuccess is the only Jenkins result whose artifact is used.
const resultSuccess = "SUCCESS"

// Wait follows the build of ref to its end, streaming the console to log,
// and returns what its artifact file says. A build that ends otherwise
// than SUCCESS, or a queue item cancelled before it started (result
// ABORTED), is a *core.BuildError with the console's last lines.
func (b *Builder) Wait(ctx context.Context, ref string, log io.Writer) (core.BuildResult, error) {
	if b.cfg.BuildTimeout <= 0 {
		return b.wait(ctx, ref, log)
	}
	tctx, cancel := context.WithTimeout(ctx, b.cfg.BuildTimeout)
	defer cancel()
	res, err := b.wait(tctx, ref, log)
	if err != nil && ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) {
		if serr := b.Stop(ctx, ref); serr != nil {
			b.log.ErrorContext(ctx, "stopping a build past its timeout", "ref", ref, "err", serr)
		}
		return res, &core.BuildError{Ref: ref, Result: "TIMEOUT",
			LogTail: fmt.Sprintf("the build ran longer than jenkins.timeout (%s) and was stopped", b.cfg.BuildTimeout)}
	}
	return res, err
}

func (b *Builder) wait(ctx context.Context, ref string, log io.Writer) (core.BuildResult, error) {
	r, err := ParseRef(ref)
	if err != nil {
		return core.BuildResult{}, err
	}
	if log == nil {
		log = io.Discard
	}
	if r.Build == 0 {
		if r, err = b.waitQueue(ctx, r); err != nil {
			return core.BuildResult{}, err
		}
		if rep, ok := log.(core.BuildStartReporter); ok {
			rep.BuildStarted(r.String())
		}
	}
	return b.follow(ctx, r, log)
}

// waitQueue polls the queue item until it became a build.
func (b *Builder) waitQueue(ctx context.Context, r Ref) (Ref, error) {
	bo := b.backoff()
	endpoint := fmt.Sprintf("/queue/item/%d/api/json", r.Queue)
	for checked := false; ; checked = true {
		var it queueItem
		err := b.getJSON(ctx, endpoint, nil, &it)
		if statusOf(err) == http.StatusNotFound {
			return b.findLeft(ctx, r)
		}
		if err != nil {
			return r, fmt.Errorf("waiting for queue item %d of %s: %w", r.Queue, r.Job, err)
		}
		if _, ok := param(it.Actions, ParamReleaseID); !ok && !checked {
			b.log.Warn("jenkins: the job does not declare "+ParamReleaseID+
				"; a restarted worker cannot find its build", "job", r.Job)
		}
		switch {
		case it.Executable != nil && it.Executable.Number > 0:
			r.Build = it.Executable.Number
			b.log.Info("jenkins: build started", "ref", r.String())
			return r, nil
		case it.Cancelled:
			return r, &core.BuildError{Ref: r.String(), Result: "ABORTED",
				LogTail: fmt.Sprintf("queue item %d of %s was cancelled before the build started", r.Queue, r.Job)}
		}
		b.log.Debug("jenkins: queued", "ref", r.String(), "why", it.Why)
		if err := sleep(ctx, bo.next()); err != nil {
			return r, fmt.Errorf("waiting for queue item %d of %s: %w", r.Queue, r.Job, err)
		}
	}
}

// findLeft finds the build of a queue item Jenkins forgot (left items are
// kept ~5 minutes): the recent build with its queue id or its release tag.
func (b *Builder) findLeft(ctx context.Context, r Ref) (Ref, error) {
	j, err := b.job(ctx, r.Job)
	if err != nil {
		return r, fmt.Errorf("looking for the build of queue item %d of %s: %w", r.Queue, r.Job, err)
	}
	for _, bi := range j.Builds {
		if (r.Queue > 0 && bi.QueueID == r.Queue) || (r.Release > 0 && tagged(bi.Actions, r.Release)) {
			r.Build = bi.Number
			return r, nil
		}
	}
	return r, fmt.Errorf("queue item %d of %s is gone and none of its last %d builds came from it: %w",
		r.Queue, r.Job, b.cfg.ScanBuilds, errNoBuild)
}

// follow polls the build until it ends, pulling the console as it grows.
func (b *Builder) follow(ctx context.Context, r Ref, log io.Writer) (core.BuildResult, error) {
	con := &console{w: log, tail: tail{max: tailLines}}
	bo := b.backoff()
	for {
		var bi buildInfo
		if err := b.getJSON(ctx, buildPath(r)+"/api/json", url.Values{"tree": {buildTree}}, &bi); err != nil {
			return core.BuildResult{}, fmt.Errorf("following build %s: %w", r, err)
		}
		grew, more, err := b.pullConsole(ctx, r, con)
		if err != nil {
			return core.BuildResult{}, fmt.Errorf("following build %s: %w", r, err)
		}
		if !bi.Building && bi.Result != "" && !more {
			return b.finish(ctx, r, bi, con)
		}
		if grew {
			bo.reset()
		}
		if err := sleep(ctx, bo.next()); err != nil {
			return core.BuildResult{}, fmt.Errorf("following build %s: %w", r, err)
		}
	}
}

// finish turns an ended build into its result or a *core.BuildError.
func (b *Builder) finish(ctx context.Context, r Ref, bi buildInfo, con *console) (core.BuildResult, error) {
	b.log.Info("jenkins: build ended", "ref", r.String(), "result", bi.Result)
	if bi.Result != resultSuccess {
		return core.BuildResult{URL: bi.URL}, &core.BuildError{Ref: r.String(), Result: bi.Result, LogTail: con.tail.String()}
	}
	rel := ""
	for _, a := range bi.Artifacts {
		if path.Base(a.RelativePath) == b.cfg.ArtifactName {
			rel = a.RelativePath
		}
	}
	if rel == "" {
		return core.BuildResult{URL: bi.URL}, fmt.Errorf("build %s succeeded but archived no %s (archiveArtifacts it)",
			r, b.cfg.ArtifactName)
	}
	resp, err := b.get(ctx, buildPath(r)+"/artifact/"+escapePath(rel), nil)
	if err != nil {
		return core.BuildResult{URL: bi.URL}, fmt.Errorf("fetching %s of build %s: %w", rel, r, err)
	}
	res, err := DecodeArtifact(resp.body)
	if err != nil {
		return core.BuildResult{URL: bi.URL}, fmt.Errorf("reading %s of build %s: %w", rel, r, err)
	}
	res.URL = bi.URL
	return res, nil
}

func escapePath(rel string) string {
	segs := strings.Split(rel, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
