package stream

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
)

// click builds callback data around a content value (already JSON).
func click(content string) string {
	return `{"extension":"{}","corpId":"dingcorp","spaceType":"im","userIdType":1,"type":"actionCallback",` +
		`"userId":"bob","content":` + content + `,"spaceId":"cid-web","outTrackId":"inst-12"}`
}

func TestDecodeCardCallback(t *testing.T) {
	want := Click{OutTrackID: "inst-12", UserID: "bob", SpaceID: "cid-web", Action: bot.CmdApprove, ReleaseID: 12}
	ok := []struct{ name, data string }{
		{"params object in a content string", click(`"{\"cardPrivateData\":{\"actionIds\":[\"b1\"],\"params\":{\"action\":\"approve\",\"release_id\":\"12\"}}}"`)},
		{"params as a JSON string", click(`"{\"cardPrivateData\":{\"params\":\"{\\\"action\\\":\\\"approve\\\",\\\"release_id\\\":\\\"12\\\"}\"}}"`)},
		{"content as an object", click(`{"cardPrivateData":{"params":{"action":"approve","release_id":"12"}}}`)},
		{"numeric release id", click(`{"cardPrivateData":{"params":{"action":"approve","release_id":12}}}`)},
		{"#12 and upper case", click(`{"cardPrivateData":{"params":{"action":" Approve ","release_id":"#12"}}}`)},
		{"id key", click(`{"cardPrivateData":{"params":{"action":"approve","id":"12"}}}`)},
		{"value when content is empty", `{"userId":"bob","outTrackId":"inst-12","spaceId":"cid-web","content":"",` +
			`"value":"{\"cardPrivateData\":{\"params\":{\"action\":\"approve\",\"release_id\":\"12\"}}}"}`},
		{"userIdType as a string", `{"userId":"bob","userIdType":"1","outTrackId":"inst-12","spaceId":"cid-web",` +
			`"content":{"cardPrivateData":{"params":{"action":"approve","releaseId":"12"}}}}`},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeCardCallback([]byte(tc.data))
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	got, err := DecodeCardCallback([]byte(click(`{"cardPrivateData":{"params":{"action":"reject","release_id":"7"}}}`)))
	require.NoError(t, err)
	assert.Equal(t, bot.CmdReject, got.Action)
	assert.Equal(t, core.ReleaseID(7), got.ReleaseID)
}

func TestDecodeCardCallbackRefuses(t *testing.T) {
	bad := []struct{ name, data, field, got string }{
		{"not JSON", `{"userId":`, BadCallback, "not a JSON object"},
		{"an array", `[1,2]`, BadCallback, "not a JSON object"},
		{"no user", `{"outTrackId":"x","content":"{}"}`, BadCallback, "no userId or outTrackId"},
		{"union id", `{"userId":"u","userIdType":2,"outTrackId":"x"}`, BadCallback, "userIdType 2"},
		{"no params", click(`"{\"cardPrivateData\":{\"actionIds\":[\"b1\"]}}"`), BadParams, ""},
		{"content not JSON", click(`"approve 12"`), BadParams, ""},
		{"unknown action", click(`{"cardPrivateData":{"params":{"action":"deploy","release_id":"12"}}}`), BadAction, "deploy"},
		{"no action", click(`{"cardPrivateData":{"params":{"release_id":"12"}}}`), BadAction, ""},
		{"bad id", click(`{"cardPrivateData":{"params":{"action":"approve","release_id":"12 --urgent"}}}`), BadRelease, "12 --urgent"},
		{"negative id", click(`{"cardPrivateData":{"params":{"action":"approve","release_id":-3}}}`), BadRelease, "-3"},
		{"fractional id", click(`{"cardPrivateData":{"params":{"action":"approve","release_id":1.5}}}`), BadRelease, "1.5"},
		{"unfilled template variable", click(`{"cardPrivateData":{"params":{"action":"approve","release_id":"${release_id}"}}}`), BadRelease, "${release_id}"},
		{"no id", click(`{"cardPrivateData":{"params":{"action":"approve"}}}`), BadRelease, ""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			k, err := DecodeCardCallback([]byte(tc.data))
			var b *BadClick
			require.True(t, errors.As(err, &b), "want a BadClick, got %v", err)
			assert.Equal(t, tc.field, b.Field)
			assert.Equal(t, tc.got, b.Got)
			if tc.field != BadCallback {
				assert.Equal(t, "bob", k.UserID, "the clicker is known, so can be answered")
			}
		})
	}
}

// FuzzDecodeCardCallback: any input decodes or is refused with a
// BadClick; what decodes is complete and names approve or reject.
func FuzzDecodeCardCallback(f *testing.F) {
	f.Add([]byte(click(`"{\"cardPrivateData\":{\"params\":{\"action\":\"approve\",\"release_id\":\"12\"}}}"`)))
	f.Add([]byte(click(`{"cardPrivateData":{"params":"{\"action\":\"reject\",\"release_id\":3}"}}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := DecodeCardCallback(data)
		if err != nil {
			var b *BadClick
			require.ErrorAs(t, err, &b)
			require.NotEmpty(t, b.Error())
			return
		}
		require.NotEmpty(t, k.UserID)
		require.NotEmpty(t, k.OutTrackID)
		require.Contains(t, []bot.Name{bot.CmdApprove, bot.CmdReject}, k.Action)
		require.Positive(t, int64(k.ReleaseID))
	})
}
