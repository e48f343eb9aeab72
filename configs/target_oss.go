package configs

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// The oss kind: a static front-end whose fixed manifest key is switched.

// OSS switches a static front-end's fixed manifest key.
type OSS struct {
	Endpoint        string   `yaml:"endpoint"`
	Region          string   `yaml:"region"`
	Bucket          string   `yaml:"bucket"`
	AccessKeyID     string   `yaml:"access_key_id"`
	AccessKeySecEnv string   `yaml:"access_key_secret_env"`
	AccessKeySecret Secret   `yaml:"-"`
	AuthVersion     string   `yaml:"auth_version"` // v4 (default) or v1
	FixedKey        string   `yaml:"fixed_key"`    // e.g. web/manifest.json
	ManifestPattern string   `yaml:"manifest_pattern"`
	CacheControl    string   `yaml:"cache_control"` // default no-cache
	ContentType     string   `yaml:"content_type"`  // default application/json
	Timeout         Duration `yaml:"timeout"`       // default 10s
	CDN             *CDN     `yaml:"cdn"`
	Confirm         *Confirm `yaml:"confirm"` // optional: follow a deploy to its users
}

// CDN refreshes the fixed key's URL after a switch.
type CDN struct {
	URL             string `yaml:"url"` // public URL of the fixed key
	Endpoint        string `yaml:"endpoint"`
	AccessKeyID     string `yaml:"access_key_id"`
	AccessKeySecEnv string `yaml:"access_key_secret_env"`
	AccessKeySecret Secret `yaml:"-"`
}

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

func (o *OSS) validate(v *validator, p string) {
	if o.Endpoint == "" {
		v.bad(p+".endpoint", "is required (e.g. https://oss-cn-hangzhou.aliyuncs.com)")
	}
	if !bucketName.MatchString(o.Bucket) {
		v.bad(p+".bucket", "must be 3-63 lower-case letters, digits or -, got %q", o.Bucket)
	}
	if o.AccessKeyID == "" {
		v.bad(p+".access_key_id", "is required")
	}
	o.AccessKeySecret = v.secret(p+".access_key_secret_env", o.AccessKeySecEnv, true)
	o.AuthVersion = def(o.AuthVersion, "v4")
	if v.oneOf(p+".auth_version", o.AuthVersion, "v4", "v1") && o.AuthVersion == "v4" && o.Region == "" {
		v.bad(p+".region", "is required with auth_version v4 (e.g. cn-hangzhou)")
	}
	if o.FixedKey == "" {
		v.bad(p+".fixed_key", "is required: the manifest key the HTML loads, e.g. web/manifest.json")
	}
	if !strings.Contains(o.ManifestPattern, "*") {
		v.bad(p+".manifest_pattern", "must contain * where the release hash goes, e.g. web/manifest.*.json, got %q", o.ManifestPattern)
	}
	o.CacheControl = def(o.CacheControl, "no-cache")
	o.ContentType = def(o.ContentType, "application/json")
	setDur(&o.Timeout, 10*time.Second)
	if c := o.CDN; c != nil {
		v.httpURL(p+".cdn.url", c.URL)
		c.Endpoint = def(c.Endpoint, "cdn.aliyuncs.com")
		c.AccessKeyID = def(c.AccessKeyID, o.AccessKeyID)
		c.AccessKeySecEnv = def(c.AccessKeySecEnv, o.AccessKeySecEnv)
		c.AccessKeySecret = v.secret(p+".cdn.access_key_secret_env", c.AccessKeySecEnv, true)
	}
	if o.Confirm != nil {
		o.Confirm.validate(v, p+".confirm")
	}
}

// Summary implements TargetSection.
func (o *OSS) Summary() string {
	return fmt.Sprintf("oss: bucket %s, fixed key %s ← %s", o.Bucket, o.FixedKey, o.ManifestPattern)
}

// Secrets implements TargetSection: the OSS and CDN access key secrets.
func (o *OSS) Secrets() []Secret {
	out := []Secret{o.AccessKeySecret}
	if o.CDN != nil {
		out = append(out, o.CDN.AccessKeySecret)
	}
	return out
}
