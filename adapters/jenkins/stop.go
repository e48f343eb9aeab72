package jenkins

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Stop aborts the build of ref: a queued item is cancelled, a running build
// stopped (it then ends ABORTED, which Wait reports). A build that already
// ended is left alone.
func (b *Builder) Stop(ctx context.Context, ref string) error {
	r, err := ParseRef(ref)
	if err != nil {
		return err
	}
	if r.Build == 0 {
		var done bool
		if r, done, err = b.cancelQueued(ctx, r); err != nil || done {
			return err
		}
	}
	if _, err := b.post(ctx, buildPath(r)+"/stop", nil, nil); err != nil {
		return fmt.Errorf("stopping build %s: %w", r, err)
	}
	b.log.Info("jenkins: build stopped", "ref", r.String())
	return nil
}

// cancelQueued cancels the queue item, unless it already became a build:
// then it returns the ref with the build number and done false.
func (b *Builder) cancelQueued(ctx context.Context, r Ref) (Ref, bool, error) {
	r, done, err := b.queueState(ctx, r)
	if err != nil || done || r.Build > 0 {
		return r, done, err
	}
	_, cerr := b.post(ctx, "/queue/cancelItem", url.Values{"id": {strconv.FormatInt(r.Queue, 10)}}, nil)
	if cerr == nil {
		b.log.Info("jenkins: queue item cancelled", "ref", r.String())
		return r, true, nil
	}
	// 404 or 500 when the item left the queue in between: look again.
	if s := statusOf(cerr); s != http.StatusNotFound && s != http.StatusInternalServerError {
		return r, false, fmt.Errorf("cancelling queue item %d of %s: %w", r.Queue, r.Job, cerr)
	}
	if r, done, err = b.queueState(ctx, r); err != nil || done || r.Build > 0 {
		return r, done, err
	}
	return r, false, fmt.Errorf("cancelling queue item %d of %s: %w", r.Queue, r.Job, cerr)
}

// queueState reads the item: done when it was cancelled or nothing is left
// to stop, r.Build set once it became a build.
func (b *Builder) queueState(ctx context.Context, r Ref) (Ref, bool, error) {
	var it queueItem
	err := b.getJSON(ctx, fmt.Sprintf("/queue/item/%d/api/json", r.Queue), nil, &it)
	switch {
	case statusOf(err) == http.StatusNotFound:
		found, ferr := b.findLeft(ctx, r)
		if errors.Is(ferr, errNoBuild) {
			return r, true, nil
		}
		return found, false, ferr
	case err != nil:
		return r, false, fmt.Errorf("reading queue item %d of %s: %w", r.Queue, r.Job, err)
	case it.Executable != nil && it.Executable.Number > 0:
		r.Build = it.Executable.Number
	}
	return r, it.Cancelled, nil
}
