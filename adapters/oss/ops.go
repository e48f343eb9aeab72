package oss

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/dingops/dingops/core"
)

// Check HEADs the hashed manifest: it must exist and, when the artifact
// carries a recorded ETag, still have that content.
func (d *Deployer) Check(ctx context.Context, a core.Artifact) error {
	if err := d.checkRef(a.Ref); err != nil {
		return err
	}
	h, err := d.head(ctx, a.Ref)
	if isMissing(err) {
		return fmt.Errorf("%s: artifact %s does not exist in bucket %s (%s)", d.cfg.App, name(a), d.cfg.Bucket, cause(err))
	}
	if err != nil {
		return &opError{app: d.cfg.App, doing: "checking artifact " + name(a), err: err}
	}
	if got := normalizeETag(h.Get("ETag")); a.Digest != "" && got != normalizeETag(a.Digest) {
		return fmt.Errorf("%s: artifact %s changed since it was recorded: ETag is now %s, recorded %s",
			d.cfg.App, name(a), got, normalizeETag(a.Digest))
	}
	return nil
}

// Deploy is exactly one CopyObject of the hashed manifest onto the fixed
// key — nothing else on the critical path. REPLACE metadata keeps the
// hashed manifest's immutable caching off the fixed key; a recorded ETag
// becomes a copy-source condition, so changed content is refused at no
// extra round trip. Copying the live manifest again is harmless.
func (d *Deployer) Deploy(ctx context.Context, req core.DeployRequest) error {
	a, app := req.Artifact, req.App
	if app == "" {
		app = d.cfg.App
	}
	if err := d.checkRef(a.Ref); err != nil {
		return err
	}
	opts := []oss.Option{oss.MetadataDirective(oss.MetaReplace), oss.CacheControl(d.cfg.CacheControl),
		oss.ContentType(d.cfg.ContentType), oss.Meta(metaSource, a.Ref), oss.Meta(metaRelease, releaseID(req.ReleaseID))}
	if a.Digest != "" {
		opts = append(opts, oss.CopySourceIfMatch(`"`+normalizeETag(a.Digest)+`"`))
	}
	var res oss.CopyObjectResult
	var hdr http.Header
	err := d.retry(ctx, "CopyObject", func(ctx context.Context) (err error) {
		res, err = d.bucket.CopyObject(a.Ref, d.cfg.ManifestKey, append(opts, oss.WithContext(ctx), oss.GetResponseHeader(&hdr))...)
		return err
	})
	if err != nil {
		return d.copyError(app, a, err)
	}
	logf(req.Log, "switched %s to %s (ETag %s, OSS request id %s)", d.cfg.ManifestKey, name(a),
		normalizeETag(res.ETag), hdr.Get(oss.HTTPHeaderOssRequestID))
	d.cfg.Logger.Info("oss manifest switched", "app", app, "release", int64(req.ReleaseID), "source", a.Ref,
		"key", d.cfg.ManifestKey, "etag", normalizeETag(res.ETag), "request_id", hdr.Get(oss.HTTPHeaderOssRequestID))
	if d.cdn != nil {
		return d.refresh(ctx, app, a, req.Log)
	}
	return nil
}

func (d *Deployer) copyError(app string, a core.Artifact, err error) error {
	doing := fmt.Sprintf("deploying artifact %s onto %s", name(a), d.cfg.ManifestKey)
	var se oss.ServiceError
	switch {
	case isMissing(err):
		return &opError{app: app, doing: doing, detail: a.Ref + " does not exist in bucket " + d.cfg.Bucket, err: err}
	case errors.As(err, &se) && se.StatusCode == http.StatusPreconditionFailed:
		return &opError{app: app, doing: doing, err: err,
			detail: "its content changed since it was recorded (ETag is no longer " + normalizeETag(a.Digest) + ")"}
	}
	return &opError{app: app, doing: doing, err: err}
}

// Live HEADs the fixed key and names what it holds by the metadata the
// copy wrote: x-oss-meta-dingops-source (the hashed manifest's key) and
// x-oss-meta-dingops-release (the release that copied it). Not by ETag:
// OSS documents no guarantee that a copy keeps its source's ETag, so the
// artifact carries no Digest and core.Artifact.Same compares the key. A
// fixed key without the source metadata — written by hand, or by a tool
// before dingops — falls back to its ETag as the Digest, which matches a
// recorded artifact only when the content is the same. A missing fixed key
// means nothing is live yet: a zero artifact.
func (d *Deployer) Live(ctx context.Context) (core.Artifact, error) {
	h, err := d.head(ctx, d.cfg.ManifestKey)
	if isMissing(err) {
		return core.Artifact{}, nil
	}
	if err != nil {
		return core.Artifact{}, &opError{app: d.cfg.App, doing: "reading what " + d.cfg.ManifestKey + " holds", err: err}
	}
	if ref := h.Get("X-Oss-Meta-" + metaSource); ref != "" {
		return core.Artifact{Kind: Kind, Ref: ref, Display: d.display(ref)}, nil
	}
	tag := normalizeETag(h.Get("ETag"))
	return core.Artifact{Kind: Kind, Digest: tag, Display: d.cfg.ManifestKey + " (ETag " + tag + ", not switched by dingops)"}, nil
}

// Resolve completes an artifact from its key alone, for `dingops record`:
// the ETag it has now and the short form. A missing key is core.ErrNotFound.
func (d *Deployer) Resolve(ctx context.Context, ref string) (core.Artifact, error) {
	if err := d.checkRef(ref); err != nil {
		return core.Artifact{}, err
	}
	h, err := d.head(ctx, ref)
	if isMissing(err) {
		return core.Artifact{}, fmt.Errorf("%s: artifact %s does not exist in bucket %s (%s): %w",
			d.cfg.App, ref, d.cfg.Bucket, cause(err), core.ErrNotFound)
	}
	if err != nil {
		return core.Artifact{}, &opError{app: d.cfg.App, doing: "resolving artifact " + ref, err: err}
	}
	return core.Artifact{Kind: Kind, Ref: ref, Digest: normalizeETag(h.Get("ETag")), Display: d.display(ref)}, nil
}

// head is a HEAD of key, retried on 5xx and network errors.
func (d *Deployer) head(ctx context.Context, key string) (http.Header, error) {
	var h http.Header
	err := d.retry(ctx, "HeadObject", func(ctx context.Context) (err error) {
		h, err = d.bucket.GetObjectDetailedMeta(key, oss.WithContext(ctx))
		return err
	})
	return h, err
}

// Landed reports whether req's copy is what the fixed key holds, by the
// metadata the copy wrote (x-oss-meta-dingops-release and
// x-oss-meta-dingops-source), not by ETag: OSS documents no guarantee that
// a copy keeps its source's ETag. The worker asks after a copy that timed
// out or lost its connection, which OSS may have applied anyway.
func (d *Deployer) Landed(ctx context.Context, req core.DeployRequest) (bool, error) {
	h, err := d.head(ctx, d.cfg.ManifestKey)
	if isMissing(err) {
		return false, nil
	}
	if err != nil {
		return false, &opError{app: d.cfg.App, doing: "reading what " + d.cfg.ManifestKey + " holds", err: err}
	}
	return h.Get("X-Oss-Meta-"+metaRelease) == releaseID(req.ReleaseID) && h.Get("X-Oss-Meta-"+metaSource) == req.Artifact.Ref, nil
}
