package levenshtein_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dingops/dingops/core/levenshtein"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"rollback", "rollback", 0},
		{"rolback", "rollback", 1}, {"relaese", "release", 2}, {"kitten", "sitting", 3},
		{"回滚", "回滾", 1}, {"发布", "发", 1},
	} {
		assert.Equal(t, c.want, levenshtein.Distance(c.a, c.b), "%q %q", c.a, c.b)
		assert.Equal(t, c.want, levenshtein.Distance(c.b, c.a), "symmetric: %q %q", c.b, c.a)
	}
}
