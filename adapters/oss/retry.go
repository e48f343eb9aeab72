package oss

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// retry runs call up to Attempts times, each attempt bounded by Timeout,
// retrying only 5xx answers and network errors (the calls it wraps are
// idempotent: a HEAD, a copy onto the same key, a cache refresh). It stops
// as soon as ctx ends, and then the error says so (errors.Is ctx.Err()).
func (d *Deployer) retry(ctx context.Context, what string, call func(context.Context) error) error {
	wait := d.cfg.Backoff
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
		err := call(actx)
		cancel()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			if !errors.Is(err, ctx.Err()) {
				err = fmt.Errorf("%w (%v)", ctx.Err(), err)
			}
			return err
		case attempt >= d.cfg.Attempts || !retryable(err):
			return err
		}
		d.cfg.Logger.Warn("retrying", "app", d.cfg.App, "call", what, "attempt", attempt, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (while retrying after: %v)", ctx.Err(), err)
		case <-t.C:
		}
		wait *= 2
	}
}

// retryable: a 5xx from OSS or the CDN API, or no answer at all (network
// error, attempt timeout). A 4xx will not change by asking again.
func retryable(err error) bool {
	var se oss.ServiceError
	if errors.As(err, &se) {
		return se.StatusCode >= 500
	}
	var te *tea.SDKError
	if errors.As(err, &te) {
		return tea.IntValue(te.StatusCode) >= 500 || te.StatusCode == nil
	}
	return true
}

// isMissing reports a 404 from OSS (a HEAD's 404 may carry no code).
func isMissing(err error) bool {
	var se oss.ServiceError
	return errors.As(err, &se) && se.StatusCode == http.StatusNotFound && se.Code != "NoSuchBucket"
}

// cause words an OSS failure for people: code, status and request id, the
// things an operator quotes to Alibaba support.
func cause(err error) string {
	var se oss.ServiceError
	if !errors.As(err, &se) {
		return err.Error()
	}
	code := se.Code
	if code == "" {
		code = http.StatusText(se.StatusCode)
	}
	s := fmt.Sprintf("OSS %s, HTTP %d, request id %s", code, se.StatusCode, se.RequestID)
	if se.Message != "" {
		s += ": " + se.Message
	}
	return s
}

// opError is a failed OSS call: it names the app, what was being done
// (with the artifact) and the cause, and unwraps to the SDK's error.
type opError struct {
	app, doing, detail string
	err                error
}

func (e *opError) Error() string {
	if e.detail != "" {
		return fmt.Sprintf("%s: %s: %s (%s)", e.app, e.doing, e.detail, cause(e.err))
	}
	return fmt.Sprintf("%s: %s: %s", e.app, e.doing, cause(e.err))
}

func (e *opError) Unwrap() error { return e.err }
