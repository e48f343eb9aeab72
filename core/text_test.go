package core_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestCheckText: what free text is refused, and what its refusal says
// (never the text itself, so the audit record of a refusal stores none of it).
func TestCheckText(t *testing.T) {
	cases := []struct {
		name, text string
		code       core.Code
		char       string
	}{
		{"plain", "结账按钮坏了 checkout broken", "", ""},
		{"tab and newlines", "line one\n\tline two\r\n", "", ""},
		{"emoji with joiner", "👩‍💻 rollback", "", ""},
		{"exactly the bound", strings.Repeat("慢", core.MaxTextRunes), "", ""},
		{"one over", strings.Repeat("慢", core.MaxTextRunes+1), core.CodeTextTooLong, ""},
		{"nul", "bad\x00build", core.CodeTextInvalid, "U+0000"},
		{"escape", "\x1b[2J", core.CodeTextInvalid, "U+001B"},
		{"delete", "a\x7fb", core.CodeTextInvalid, "U+007F"},
		{"c1", "a\u0085b", core.CodeTextInvalid, "U+0085"},
		{"rtl override", "refund \u202egnp.exe", core.CodeTextInvalid, "U+202E"},
		{"isolate", "a\u2067b", core.CodeTextInvalid, "U+2067"},
		{"invalid utf-8", "bad \xff", core.CodeTextInvalid, "invalid UTF-8"},
		{"a real U+FFFD is text", "bad \uFFFD", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := core.CheckText("reason", c.text, core.MaxTextRunes)
			if c.code == "" {
				assert.Nil(t, r)
				return
			}
			require.NotNil(t, r)
			require.Len(t, r.Reasons, 1)
			assert.Equal(t, c.code, r.Reasons[0].Code)
			assert.Equal(t, "reason", r.Reasons[0].Args["field"])
			if c.char != "" {
				assert.Equal(t, c.char, r.Reasons[0].Args["char"])
			}
			assert.NotContains(t, r.Encode(), c.text[:min(len(c.text), 8)], "the text is not in the refusal")
		})
	}
}
