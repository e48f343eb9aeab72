// Package etag writes an OSS ETag one way. OSS returns it quoted and upper
// case ("5B3C1A…"), ossutil and people write it bare, and an HTTP cache may
// add a weak marker; the OSS target and the Jenkins artifact file both
// normalise with this, so digests recorded anywhere compare equal to what
// OSS reports. It imports nothing but the standard library, so the Jenkins
// adapter can use it without the OSS SDK.
package etag

import "strings"

// Normalize strips surrounding space, a weak marker (W/) and the quotes,
// and upper-cases the rest.
func Normalize(v string) string {
	return strings.ToUpper(strings.Trim(strings.TrimPrefix(strings.TrimSpace(v), "W/"), `"`))
}
