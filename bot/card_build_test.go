package bot

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// fakeLinks names builds the way the Jenkins builder does: a ref with
// "#n" has a number, others are queued.
type fakeLinks struct{}

func (fakeLinks) BuildLink(ref string) (string, string) {
	_, n, ok := strings.Cut(ref, "#")
	if !ok {
		return "", ""
	}
	return "#" + n, "https://ci.example.com/job/web/" + n + "/(x)"
}

func TestBuildRow(t *testing.T) {
	plain := newFixture(t).bot
	linked := newFixture(t, func(c *Config) { c.Builds = fakeLinks{} }).bot
	for _, tc := range []struct {
		name string
		b    *Bot
		lang string
		ref  string
		want string
	}{
		{"no linker: the ref as it is", plain, "zh", "ci/web*42", "ci/web＊42"},
		{"queued", linked, "zh", "shop/web?queue=1&release=11", "排队中，尚未开始"},
		{"queued en", linked, "en", "shop/web?queue=1&release=11", "queued, not started yet"},
		{"started", linked, "zh", "shop/web#123", "[#123](https://ci.example.com/job/web/123/%28x%29)"},
	} {
		assert.Equal(t, tc.want, tc.b.buildText(tc.lang, tc.ref), tc.name)
	}
}
