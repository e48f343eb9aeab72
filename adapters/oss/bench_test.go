package oss_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/dingops/dingops/core"
)

// The two benchmarks measure the same switch two ways at the same round
// trip: a bare SDK CopyObject, and the deployer's Deploy (which must stay
// within 1.2× of it: one request, nothing else on the critical path).
// Numbers go in docs/benchmarks.md.

func benchDelays() []time.Duration { return []time.Duration{0, 20 * time.Millisecond} }

func BenchmarkCopyObject(b *testing.B) {
	for _, delay := range benchDelays() {
		b.Run(fmt.Sprintf("rtt=%s", delay), func(b *testing.B) {
			emu := newEmulator(b)
			a := seedManifest(emu, "3fa9c1")
			bucket := sdkBucket(b, emu)
			emu.SetDelay(delay)
			opts := []oss.Option{oss.MetadataDirective(oss.MetaReplace), oss.CacheControl("no-cache"),
				oss.ContentType("application/json")}
			for b.Loop() {
				if _, err := bucket.CopyObject(a.Ref, fixedKey, opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDeploy(b *testing.B) {
	for _, delay := range benchDelays() {
		b.Run(fmt.Sprintf("rtt=%s", delay), func(b *testing.B) {
			f := newFixture(b, nil)
			f.emu.SetDelay(delay)
			id := core.ReleaseID(0)
			for b.Loop() {
				id++
				if err := deploy(b, f.deployer, f.a, id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
