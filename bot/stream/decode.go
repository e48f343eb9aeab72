package stream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
)

// Click is a card button press: who pressed which decision for which
// release on which card. Only the action and the release id come from the
// button; whether the clicker may decide is the engine's question.
type Click struct {
	OutTrackID string
	UserID     string // the clicker's staff id (cards are created with userIdType 1)
	SpaceID    string // the conversation the card is in
	Action     bot.Name
	ReleaseID  core.ReleaseID
	// Suggestion is set by the rollback button of an alert suggestion card
	// (action rollback, suggestion_id); ReleaseID is then 0.
	Suggestion int64
}

// Problems a BadClick names.
const (
	BadCallback = "callback"   // not a callback dingops can answer: no JSON, no user or card
	BadParams   = "params"     // no cardPrivateData.params (the button has no callback params)
	BadAction   = "action"     // action is not approve or reject
	BadRelease  = "release_id" // release id missing or not a positive number
)

// BadClick is a callback dingops cannot act on; Field is one of the Bad…
// constants and Got the offending value.
type BadClick struct {
	Field string
	Got   string
	// Card is the release whose card was clicked when the button names
	// another (Got).
	Card string
}

func (e *BadClick) Error() string {
	return fmt.Sprintf("card callback: bad %s %q", e.Field, e.Got)
}

// DecodeCardCallback reads the data of a card callback frame. content (or
// its duplicate value) may be a JSON string or an object, and
// cardPrivateData.params an object or a JSON string holding one; param
// values may be strings or numbers. On a *BadClick the Click holds what
// was read, so the clicker can still be answered.
func DecodeCardCallback(data []byte) (Click, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return Click{}, &BadClick{Field: BadCallback, Got: "not a JSON object"}
	}
	k := Click{OutTrackID: scalar(raw["outTrackId"]), UserID: scalar(raw["userId"]), SpaceID: scalar(raw["spaceId"])}
	if k.OutTrackID == "" || k.UserID == "" {
		return k, &BadClick{Field: BadCallback, Got: "no userId or outTrackId"}
	}
	if typ := scalar(raw["userIdType"]); typ != "" && typ != "1" {
		return k, &BadClick{Field: BadCallback, Got: "userIdType " + typ}
	}
	params := paramsOf(raw["content"])
	if params == nil {
		params = paramsOf(raw["value"])
	}
	if params == nil {
		return k, &BadClick{Field: BadParams}
	}
	return readParams(k, params)
}

func readParams(k Click, params map[string]json.RawMessage) (Click, error) {
	action := strings.ToLower(strings.TrimSpace(scalar(params["action"])))
	switch action {
	case string(bot.CmdApprove), string(bot.CmdReject):
		k.Action = bot.Name(action)
	case string(bot.CmdRollback):
		if !isReleaseRollback(params) {
			return readSuggestion(k, params)
		}
		k.Action = bot.CmdRollback
	default:
		return k, &BadClick{Field: BadAction, Got: action}
	}
	rawID := ""
	for _, key := range []string{"release_id", "releaseId", "id"} {
		if rawID = strings.TrimSpace(scalar(params[key])); rawID != "" {
			break
		}
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(rawID, "#"), 10, 64)
	if err != nil || id <= 0 {
		return k, &BadClick{Field: BadRelease, Got: rawID}
	}
	k.ReleaseID = core.ReleaseID(id)
	return k, nil
}

// paramsOf finds cardPrivateData.params in content or value, whichever
// shape they come in; nil when there are none.
func paramsOf(v json.RawMessage) map[string]json.RawMessage {
	v = unstring(v)
	var c struct {
		Private struct {
			Params json.RawMessage `json:"params"`
		} `json:"cardPrivateData"`
	}
	if len(v) == 0 || json.Unmarshal(v, &c) != nil {
		return nil
	}
	var params map[string]json.RawMessage
	if json.Unmarshal(unstring(c.Private.Params), &params) != nil {
		return nil
	}
	return params
}

// unstring unwraps a JSON string that holds JSON; anything else is
// returned as it is.
func unstring(v json.RawMessage) json.RawMessage {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || v[0] != '"' {
		return v
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return nil
	}
	return json.RawMessage(s)
}

// scalar reads a JSON string or number as text; "" for anything else.
func scalar(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var n json.Number
	if v[0] != '"' && json.Unmarshal(v, &n) == nil {
		return n.String()
	}
	return ""
}
