package core

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testSpecs = []OptionSpec{
	{Name: "env", Type: OptionChoice, Allowed: []string{"staging", "prod"}, Default: "prod"},
	{Name: "cdn", Type: OptionBool, Default: "false"},
	{Name: "profile", Type: OptionString},
	{Name: "ticket", Type: OptionString, Required: true},
}

func TestResolveOptions(t *testing.T) {
	t.Parallel()
	ov := func(kv ...string) []OptionValue {
		var out []OptionValue
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, OptionValue{Name: kv[i], Value: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name  string
		given []OptionValue
		want  []OptionValue
		codes []Code
		args  map[string]any
	}{
		{name: "defaults fill in", given: ov("ticket", "T-1"), want: ov("env", "prod", "cdn", "false", "ticket", "T-1")},
		{name: "given values in declaration order", given: ov("ticket", "T 2", "cdn", "YES", "env", "staging", "profile", "fast"),
			want: ov("env", "staging", "cdn", "true", "profile", "fast", "ticket", "T 2")},
		{name: "unknown key suggests", given: ov("ticket", "x", "evn", "prod"), codes: []Code{CodeOptionDidYouMean},
			args: map[string]any{"key": "evn", "suggest": "env"}},
		{name: "unknown key far from all", given: ov("ticket", "x", "zzzzzz", "1"), codes: []Code{CodeOptionUnknown},
			args: map[string]any{"suggest": ""}},
		{name: "bad choice lists allowed", given: ov("ticket", "x", "env", "dev"), codes: []Code{CodeOptionBadValue},
			args: map[string]any{"key": "env", "allowed": "staging | prod"}},
		{name: "bad bool", given: ov("ticket", "x", "cdn", "maybe"), codes: []Code{CodeOptionBadValue},
			args: map[string]any{"allowed": "true | false"}},
		{name: "empty string", given: ov("ticket", ""), codes: []Code{CodeOptionBadValue}},
		{name: "control character", given: ov("ticket", "a\nb"), codes: []Code{CodeOptionBadValue}},
		{name: "missing required", codes: []Code{CodeOptionMissing}, args: map[string]any{"key": "ticket"}},
		{name: "duplicate", given: ov("ticket", "a", "ticket", "b"), codes: []Code{CodeOptionDuplicate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ref := ResolveOptions("web", testSpecs, tt.given)
			if tt.codes == nil {
				require.Nil(t, ref)
				assert.Equal(t, tt.want, got)
				return
			}
			require.NotNil(t, ref)
			assert.Nil(t, got, "nothing is returned with a refusal")
			var codes []Code
			for _, r := range ref.Reasons {
				codes = append(codes, r.Code)
			}
			assert.Equal(t, tt.codes, codes)
			for k, v := range tt.args {
				assert.Equal(t, v, ref.Reasons[0].Args[k], k)
			}
		})
	}
}

func TestNoSpecsRefuseAnyOption(t *testing.T) {
	t.Parallel()
	got, ref := ResolveOptions("api", nil, nil)
	assert.Nil(t, ref)
	assert.Empty(t, got)
	_, ref = ResolveOptions("api", nil, []OptionValue{{Name: "env", Value: "x"}})
	require.NotNil(t, ref)
	assert.True(t, ref.Has(CodeOptionsNone))
}

func TestParseRequirement(t *testing.T) {
	t.Parallel()
	pats := []RequirementPattern{{Pattern: regexp.MustCompile(`REQ-\d+`), URL: "https://pm.example.com/req/{id}"}}
	assert.Equal(t, Requirement{Text: "REQ-42 新首页", ID: "REQ-42", URL: "https://pm.example.com/req/REQ-42"},
		ParseRequirement(" REQ-42 新首页 ", pats))
	assert.Equal(t, Requirement{Text: "新首页"}, ParseRequirement("新首页", pats))
	assert.Equal(t, Requirement{}, ParseRequirement("", pats))
}
