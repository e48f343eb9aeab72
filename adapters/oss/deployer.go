package oss

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/dingops/dingops/adapters/oss/etag"
	"github.com/dingops/dingops/core"
)

// bucketAPI is the slice of *oss.Bucket the deployer uses.
type bucketAPI interface {
	GetObjectDetailedMeta(key string, options ...oss.Option) (http.Header, error)
	CopyObject(srcKey, destKey string, options ...oss.Option) (oss.CopyObjectResult, error)
}

// cacheRefresher asks a CDN to drop its copies of urls; it returns the
// refresh task id.
type cacheRefresher interface {
	RefreshObjectCaches(ctx context.Context, urls []string) (string, error)
}

// Deployer switches an app's fixed manifest key between hashed manifests.
type Deployer struct {
	cfg    Config
	bucket bucketAPI
	cdn    cacheRefresher
	tasks  sync.Map // artifact ref → its last CDN refresh task id
}

var (
	_ core.Deployer         = (*Deployer)(nil)
	_ core.ArtifactResolver = (*Deployer)(nil)
	_ core.DeployVerifier   = (*Deployer)(nil)
	_ core.UserVisible      = (*Deployer)(nil)
)

// New makes a deployer over bucket (an *oss.Bucket). cdn refreshes the
// fixed key's URL and is required exactly when cfg.CDN is set.
func New(cfg Config, bucket bucketAPI, cdn cacheRefresher) (*Deployer, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if bucket == nil {
		return nil, fmt.Errorf("oss target of %s: no bucket client", cfg.App)
	}
	if (cfg.CDN != nil) != (cdn != nil) {
		return nil, fmt.Errorf("oss target of %s: CDN settings and CDN client must be given together", cfg.App)
	}
	return &Deployer{cfg: cfg, bucket: bucket, cdn: cdn}, nil
}

// Open builds the OSS client (and the CDN client when configured) from cfg
// and returns the deployer. It does no I/O.
func Open(cfg Config) (*Deployer, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := cfg.validateConnection(); err != nil {
		return nil, err
	}
	client, err := oss.New(cfg.Endpoint, cfg.AccessKeyID, cfg.AccessKeySecret.Reveal(), cfg.clientOptions()...)
	if err != nil {
		return nil, fmt.Errorf("creating OSS client for %s: %w", cfg.App, err)
	}
	bucket, err := client.Bucket(cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("opening bucket %s for %s: %w", cfg.Bucket, cfg.App, err)
	}
	var cdn cacheRefresher
	if cfg.CDN != nil {
		c := cfg.CDN.withCredentials(cfg.AccessKeyID, cfg.AccessKeySecret, cfg.Timeout)
		if cdn, err = NewCDN(c); err != nil {
			return nil, fmt.Errorf("creating CDN client for %s: %w", cfg.App, err)
		}
	}
	return New(cfg, bucket, cdn)
}

// checkRef refuses references that are not hashed manifests — above all
// the fixed key itself, whose copy onto itself would "deploy" nothing.
func (d *Deployer) checkRef(ref string) error {
	if ref == d.cfg.ManifestKey {
		return fmt.Errorf("%s: artifact %s is the fixed manifest key itself, not a hashed manifest (%s)",
			d.cfg.App, ref, d.cfg.ManifestPattern)
	}
	if ok, _ := path.Match(d.cfg.ManifestPattern, ref); !ok {
		return fmt.Errorf("%s: artifact %q is not a hashed manifest: its key must match %s",
			d.cfg.App, ref, d.cfg.ManifestPattern)
	}
	return nil
}

// display is the short form of a hashed manifest key: what "*" stands for
// (web/manifest.3fa9c1.json → 3fa9c1), else the file name.
func (d *Deployer) display(ref string) string {
	before, after, _ := strings.Cut(d.cfg.ManifestPattern, "*")
	if strings.Count(d.cfg.ManifestPattern, "*") == 1 && len(ref) > len(before)+len(after) &&
		strings.HasPrefix(ref, before) && strings.HasSuffix(ref, after) {
		return ref[len(before) : len(ref)-len(after)]
	}
	return path.Base(ref)
}

// name is how messages refer to an artifact: its label and, when the label
// is a short form, the key.
func name(a core.Artifact) string {
	if a.Label() == a.Ref || a.Ref == "" {
		return a.Label()
	}
	return a.Label() + " (" + a.Ref + ")"
}

// normalizeETag strips quotes and a weak marker, so digests recorded by
// people or CI (ossutil shows no quotes) compare equal to what OSS returns.
func normalizeETag(v string) string { return etag.Normalize(v) }

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		_, _ = fmt.Fprintf(w, format+"\n", args...)
	}
}

func releaseID(id core.ReleaseID) string { return strconv.FormatInt(int64(id), 10) }
