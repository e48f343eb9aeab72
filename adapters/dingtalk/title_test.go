package dingtalk

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTitleOf(t *testing.T) {
	cases := map[string]string{
		"**web**（container）\n线上：v3":                 "web（container）",
		"**web** (container)\nLive: v3":             "web (container)",
		"### 回滚审批 #4 · web v4\n- **状态**：待审批":        "回滚审批 #4 · web v4",
		"> quoted `code` and [a link](https://x.y)": "quoted code and a link",
		"- **api**, last 3:":                        "api, last 3:",
		"web_api ~~old~~ __new__":                   "web_api old new",
		"":                                          "dingops",
		"**":                                        "dingops",
		strings.Repeat("长", 50):                     strings.Repeat("长", 40),
	}
	for in, want := range cases {
		assert.Equal(t, want, TitleOf(in), "%q", in)
	}
}
