package etag_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dingops/dingops/adapters/oss/etag"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		`"5B3C1A"`:   "5B3C1A",
		"5b3c1a":     "5B3C1A",
		` W/"5b3c" `: "5B3C",
		"":           "",
	} {
		assert.Equal(t, want, etag.Normalize(in), "%q", in)
	}
}
