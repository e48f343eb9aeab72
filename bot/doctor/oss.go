package doctor

import (
	"context"
	"fmt"
	"net/http"

	"github.com/dingops/dingops/adapters/oss"
)

// OSSTarget is what the OSS checks call: the app's deployer.
type OSSTarget interface {
	FixedKey() string
	Bucket() string
	Head(ctx context.Context, key string) (http.Header, error)
	CopyFixedKeyOntoItself(ctx context.Context) error
}

// OSSChecks HEAD the fixed key and the hashed manifest it was switched to
// and, with write, copy the fixed key onto itself.
func OSSChecks(app string, t OSSTarget, accessKeyID string, write bool) []Check {
	const in = "oss"
	key := t.FixedKey()
	out := []Check{
		{in, "app " + app + ": fixed key", "HEAD " + t.Bucket() + "/" + key, func(ctx context.Context) Outcome {
			h, err := t.Head(ctx, key)
			switch {
			case oss.IsMissing(err):
				return Warning(key+" does not exist yet", "the first release of "+app+" creates it; nothing to do unless one was made")
			case err != nil:
				return ossFailure(err, t, key, "oss:GetObject", accessKeyID)
			}
			return Pass("ETag %s", h.Get("ETag"))
		}},
		{in, "app " + app + ": live hashed manifest", "HEAD the manifest " + key + " was switched to", func(ctx context.Context) Outcome {
			return headSource(ctx, t, accessKeyID)
		}},
	}
	if write {
		out = append(out, Check{in, "app " + app + ": write", "copy " + key + " onto itself (same content and metadata)",
			func(ctx context.Context) Outcome {
				if err := t.CopyFixedKeyOntoItself(ctx); err != nil {
					return ossFailure(err, t, key, "oss:PutObject", accessKeyID)
				}
				return Pass("PutObject allowed")
			}})
	}
	return out
}

func headSource(ctx context.Context, t OSSTarget, ak string) Outcome {
	h, err := t.Head(ctx, t.FixedKey())
	if err != nil {
		return Pass("skipped: the fixed key cannot be read (see above)")
	}
	src := h.Get("X-Oss-Meta-Dingops-Source")
	if src == "" {
		return Pass("the fixed key was not switched by dingops yet")
	}
	if _, err := t.Head(ctx, src); err != nil {
		if oss.IsMissing(err) {
			return Failed(src+" does not exist", "re-upload "+src+" or record a release of a manifest that exists: rollbacks to it will fail")
		}
		return ossFailure(err, t, src, "oss:GetObject", ak)
	}
	return Pass("%s exists", src)
}

func ossFailure(err error, t OSSTarget, key, action, ak string) Outcome {
	if oss.IsAccessDenied(err) {
		return FailedErr(err, fmt.Sprintf("grant the RAM action %s on acs:oss:*:*:%s/%s to the RAM user of AccessKey %s "+
			"(RAM console → the user's policy)", action, t.Bucket(), key, ak))
	}
	return FailedErr(err, "check the oss endpoint, region, bucket and the AccessKey secret's variable")
}
