package stream

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/bot"
)

// TestShippedTemplateMatchesTheCode reads docs/dingops-card.json, the card
// template operators import, and checks it against what dingops sends and
// decodes: every variable the code fills exists with the right type,
// notice is private and nothing else is, each button's callback params
// decode into the command its action names, and the visibility conditions
// use the values the code sends.
func TestShippedTemplateMatchesTheCode(t *testing.T) {
	raw, err := os.ReadFile("../../docs/dingops-card.json")
	require.NoError(t, err)
	tpl, err := dingtalk.ParseTemplate(raw)
	require.NoError(t, err)
	assert.Equal(t, "im", tpl.Type)
	assert.Equal(t, "card", tpl.Mode)

	for _, name := range bot.CardParams {
		v, ok := tpl.Variables[name]
		if assert.True(t, ok, "the template has no variable %s", name) {
			assert.Equal(t, map[bool]string{true: "markdown", false: "string"}[name == "body"], v.Type, name)
			assert.False(t, v.Private, "%s is public", name)
		}
		assert.LessOrEqual(t, len(name), dingtalk.MaxCardKey)
	}
	notice := tpl.Variables[NoticeParam]
	assert.True(t, notice.Private, "notice must be private, or a refused clicker sees nothing")
	assert.Equal(t, "string", notice.Type)
	for name := range tpl.Variables {
		assert.True(t, name == NoticeParam || slices.Contains(bot.CardParams, name), "the code never fills %s", name)
	}
	checkComponents(t, tpl)
	checkButtons(t, tpl)
}

func checkComponents(t *testing.T, tpl *dingtalk.Template) {
	var body, noticeShown bool
	ref := regexp.MustCompile(`\$\{(\w+)\}`)
	for _, c := range tpl.Components {
		for _, m := range ref.FindAllStringSubmatch(c.Text, -1) {
			assert.Contains(t, tpl.Variables, m[1], "%s refers to an unknown variable", c.ID)
		}
		if c.Name == "Markdown" && c.Content.Variable == "body" {
			body = c.Content.ValueType == "variable" && c.Content.Type == "dynamicMarkdown"
		}
		if c.Text == "${"+NoticeParam+"}" {
			noticeShown = hasCondition(c.Visible, dingtalk.Condition{Variable: NoticeParam, Op: "notEqual", Value: ""})
		}
	}
	assert.True(t, body, "a Markdown component is bound to the variable body")
	assert.True(t, noticeShown, "a text shows ${notice} when it is not empty")
}

func checkButtons(t *testing.T, tpl *dingtalk.Template) {
	buttons := tpl.Buttons()
	require.NotEmpty(t, buttons)
	var actions []bot.Name
	for _, b := range buttons {
		assert.Equal(t, "request", b.ActionType, "button %s calls back (回传请求)", b.ID)
		params := buttonParams(t, tpl, b)
		shownBy := "buttons" // the decision buttons show while a decision is possible
		if params["action"] == string(bot.CmdRollback) {
			shownBy = "rollback_button" // the Roll back button of finished and suggestion cards
		}
		assert.True(t, hasCondition(b.Visible, dingtalk.Condition{Variable: shownBy, Op: "equal", Value: "show"}),
			"button %s shows only when %s is show", b.ID, shownBy)
		k, err := DecodeCardCallback(clickData(t, b.ActionID.Content, params))
		require.NoError(t, err, "button %s", b.ID)
		assert.Equal(t, bot.Name(params["action"]), k.Action)
		assert.EqualValues(t, 4, k.ReleaseID)
		actions = append(actions, k.Action)
		if _, ok := params["suggestion_id"]; ok {
			// The same button on a suggestion card, whose suggestion_id is set.
			params["suggestion_id"] = "7"
			k, err := DecodeCardCallback(clickData(t, b.ActionID.Content, params))
			require.NoError(t, err, "button %s on a suggestion card", b.ID)
			assert.Equal(t, bot.CmdRollback, k.Action)
			assert.EqualValues(t, 7, k.Suggestion)
		}
	}
	assert.ElementsMatch(t, []bot.Name{bot.CmdApprove, bot.CmdReject, bot.CmdRollback}, actions)
}

// buttonParams are a button's callback params as a click on the card of
// release #4 sends them (variables hold that card's values).
func buttonParams(t *testing.T, tpl *dingtalk.Template, b dingtalk.Button) map[string]string {
	params := map[string]string{}
	for _, p := range b.Params {
		switch p.Type {
		case "fixed":
			params[p.Name] = p.Value
		case "variable":
			require.Contains(t, tpl.Variables, p.Variable, "button %s param %s", b.ID, p.Name)
			params[p.Name] = map[string]string{"release_id": "4"}[p.Variable] // suggestion_id is "" on a release card
		}
		if p.Name == "release_id" || p.Name == "suggestion_id" {
			assert.Equal(t, "variable", p.Type, "a typed ${%s} arrives literally: bind it as a variable", p.Name)
			assert.Equal(t, p.Name, p.Variable)
		}
		if p.Name == "action" {
			assert.Equal(t, "fixed", p.Type, "action is a constant")
		}
	}
	return params
}

func hasCondition(v dingtalk.Visibility, want dingtalk.Condition) bool {
	return v.ValueType == "condition" && v.Condition.Op == "and" && slices.Contains(v.Condition.Conditions, want)
}

// clickData is a card callback as DingTalk sends it for a click on a
// button with these callback params.
func clickData(t *testing.T, actionID string, params map[string]string) []byte {
	content, err := json.Marshal(map[string]any{"cardPrivateData": map[string]any{"actionIds": []string{actionID}, "params": params}})
	require.NoError(t, err)
	data, err := json.Marshal(map[string]any{"outTrackId": "inst-4", "userId": "bob", "userIdType": 1,
		"spaceId": "cid-web", "content": string(content), "value": string(content)})
	require.NoError(t, err)
	return data
}
