package oss_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	ossdeploy "github.com/dingops/dingops/adapters/oss"
	"github.com/dingops/dingops/adapters/oss/cdnemu"
	"github.com/dingops/dingops/core"
)

// benchRefresh is the CDN emulator's modelled refresh time.
const benchRefresh = 100 * time.Millisecond

// BenchmarkSwitchToUserVisible: switch → user-visible behind the CDN
// emulator, real time: the refresh task submitted, then followed and the
// edge URL polled until it serves the new manifest. over-model-ms is
// served − switch − the modelled refresh time: what the confirmation adds.
// Recorded in docs/benchmarks.md.
func BenchmarkSwitchToUserVisible(b *testing.B) {
	o := &origin{ref: "web/manifest.a.json"}
	orig := httptest.NewServer(o)
	b.Cleanup(orig.Close)
	api := cdnemu.New(cdnemu.Options{Credentials: map[string]string{"LTAIcdn": "cdn-secret"},
		Domains: []string{"static.example.com"}, RefreshTime: benchRefresh})
	if err := api.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = api.Close() })
	edge := httptest.NewServer(api.Edge("static.example.com", orig.URL))
	b.Cleanup(edge.Close)
	userURL := edge.URL + "/web/manifest.json"
	cdn, err := ossdeploy.NewCDN(ossdeploy.CDNConfig{URL: "https://static.example.com/web/manifest.json",
		Endpoint: api.Addr(), Protocol: "http", AccessKeyID: "LTAIcdn", AccessKeySecret: "cdn-secret"})
	if err != nil {
		b.Fatal(err)
	}
	c := ossdeploy.NewConfirmer(ossdeploy.ConfirmConfig{URLs: []string{userURL}, Timeout: time.Minute,
		First: 10 * time.Millisecond, Max: 50 * time.Millisecond}, cdn)
	var total, worst time.Duration
	b.ResetTimer()
	for i := range b.N {
		ref := []string{"web/manifest.b.json", "web/manifest.a.json"}[i%2]
		o.set(ref)
		switched := time.Now()
		task, err := cdn.RefreshObjectCaches(context.Background(), []string{"https://static.example.com/web/manifest.json"})
		if err != nil {
			b.Fatal(err)
		}
		st := c.Confirm(context.Background(), core.Artifact{Ref: ref}, switched, task, nil)
		if !st.Confirmed() {
			b.Fatal("not confirmed")
		}
		over := st.Served.Sub(switched) - benchRefresh
		total, worst = total+over, max(worst, over)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "over-model-ms")
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-over-model-ms")
}
