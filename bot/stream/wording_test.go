package stream

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files")

// TestWordingGolden: what DingTalk shows, in zh and en — reply titles
// (the chat list and the notification) are plain text, without the
// markdown marks of "**web**（oss）"; a button that names another release
// than its card is answered in the card's language, not with an English
// fragment and "is not a number".
func TestWordingGolden(t *testing.T) {
	e := sqlite(t)
	e.start("r1")
	var out strings.Builder
	for i, s := range []struct{ chat, text string }{{"cid-web", "/status web"}, {"cid-web", "/history web"},
		{"cid-en", "/status api"}, {"cid-en", "/history api"}} {
		e.say(s.chat, "alice", s.text)
		replies, err := e.emu.WaitReplies(wait, i+1)
		require.NoError(t, err)
		fmt.Fprintf(&out, "> %s: %s\ntitle: %s\n\n", s.chat, s.text, replies[i].Title)
		assert.NotContains(t, replies[i].Title, "*")
	}
	e.say("cid-api", "alice", "/rollback api v2")
	require.NoError(t, e.emu.WaitFor(wait, func() bool { return len(e.emu.Cards()) >= 2 }))
	cards := e.emu.Cards()
	sort.Slice(cards, func(i, j int) bool { return cards[i].SpaceID < cards[j].SpaceID })
	for _, c := range cards {
		other := fmt.Sprint(int64(releaseID(c)) + 100)
		res, err := e.emu.ClickCard(ctxT(t), dingtalkemu.Click{OutTrackID: c.OutTrackID, UserID: "bob",
			Params: map[string]any{"action": "approve", "release_id": other}})
		require.NoError(t, err)
		fmt.Fprintf(&out, "> click approve %s on the card of #%d in %s\n%s\n\n", other, releaseID(c), c.SpaceID,
			res.PrivateData[NoticeParam])
		assert.NotContains(t, res.PrivateData[NoticeParam], "on the card of")
	}
	golden(t, "wording.txt", out.String())
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *updateGolden {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./bot/stream -run TestWordingGolden -update to create %s", path)
	assert.Equal(t, string(want), got)
}
