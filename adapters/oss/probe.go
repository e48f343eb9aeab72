package oss

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

// FixedKey is the key releases switch.
func (d *Deployer) FixedKey() string { return d.cfg.ManifestKey }

// Bucket is the configured bucket.
func (d *Deployer) Bucket() string { return d.cfg.Bucket }

// Head is a HEAD of key (GetObjectMeta's detailed form), for `dingops
// doctor`; the answer's headers, or OSS's error.
func (d *Deployer) Head(ctx context.Context, key string) (http.Header, error) {
	return d.head(ctx, key)
}

// CopyFixedKeyOntoItself proves PutObject without changing anything: the
// fixed key is copied onto itself with the metadata it has. OSS replaces
// an object's metadata on a copy onto itself whatever the directive, so
// the copy names the current metadata explicitly.
func (d *Deployer) CopyFixedKeyOntoItself(ctx context.Context) error {
	h, err := d.head(ctx, d.cfg.ManifestKey)
	if err != nil {
		return err
	}
	opts := []oss.Option{oss.MetadataDirective(oss.MetaReplace), oss.WithContext(ctx)}
	if v := h.Get("Cache-Control"); v != "" {
		opts = append(opts, oss.CacheControl(v))
	}
	if v := h.Get("Content-Type"); v != "" {
		opts = append(opts, oss.ContentType(v))
	}
	for k, vs := range h {
		if name, ok := strings.CutPrefix(strings.ToLower(k), "x-oss-meta-"); ok && len(vs) > 0 {
			opts = append(opts, oss.Meta(name, vs[0]))
		}
	}
	_, err = d.bucket.CopyObject(d.cfg.ManifestKey, d.cfg.ManifestKey, opts...)
	return err
}

// IsAccessDenied reports whether err is OSS's 403 AccessDenied (a RAM
// policy or bucket policy that does not allow the action).
func IsAccessDenied(err error) bool {
	var se oss.ServiceError
	return errors.As(err, &se) && (se.Code == "AccessDenied" || se.StatusCode == http.StatusForbidden)
}

// IsMissing reports whether err is a key that does not exist.
func IsMissing(err error) bool { return isMissing(err) }
