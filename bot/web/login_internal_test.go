package web

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSafeNext: the redirect forms after login. Only a same-origin path
// survives; everything a browser could read as another origin is "/".
func TestSafeNext(t *testing.T) {
	tests := []struct{ next, want string }{
		{"/apps/web", "/apps/web"},
		{"/audit?app=web&kind=approve", "/audit?app=web&kind=approve"},
		{"/apps/web#history", "/apps/web#history"},
		{"/%2F%2Fhost/phish", "/"}, // refused too: something may decode it
		{"", "/"},
		{"apps/web", "/"},
		{"//host/phish", "/"},
		{"///host/phish", "/"},
		{"/\\host/phish", "/"},
		{"\\\\host/phish", "/"},
		{"/\t/host/phish", "/"},
		{"/\n/host/phish", "/"},
		{"/\r/host/phish", "/"},
		{"/ /host/phish", "/"},
		{"/\x00/host", "/"},
		{"/\x7f/host", "/"},
		{"https://host/phish", "/"},
		{"javascript:alert(1)", "/"},
		{"/javascript:alert(1)", "/javascript:alert(1)"}, // a path on this site
		{"//user@host", "/"},
		{"/%zz", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			assert.Equal(t, tt.want, safeNext(tt.next))
		})
	}
}
