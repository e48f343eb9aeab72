package dingtalk_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
)

// TestOversizeValuesAreCut: the emulator refuses a value over 1 KB as
// DingTalk does, so the client cuts one (on a rune boundary) rather than
// lose the whole card or update.
func TestOversizeValuesAreCut(t *testing.T) {
	t.Parallel()
	emu, c := setup(t)
	ctx := context.Background()
	long := strings.Repeat("发布", 400) // 2400 bytes
	require.NoError(t, c.CreateAndDeliverCard(ctx, dingtalk.Card{TemplateID: "tpl.schema", OutTrackID: "big",
		ConversationID: "cidG==", Data: map[string]string{"body": long},
		PrivateData: map[string]map[string]string{"u1": {"notice": long}}}))
	require.NoError(t, c.UpdateCard(ctx, dingtalk.CardUpdate{OutTrackID: "big", Data: map[string]string{"result": long}}))
	card, ok := emu.Card("big")
	require.True(t, ok)
	for _, v := range []string{card.Data["body"], card.Data["result"], card.PrivateData["u1"]["notice"]} {
		assert.LessOrEqual(t, len(v), dingtalk.MaxCardValue)
		assert.Greater(t, len(v), dingtalk.MaxCardValue-4, "cut no shorter than it must be")
		assert.True(t, utf8.ValidString(v))
		assert.True(t, strings.HasSuffix(v, "…"))
	}
}
