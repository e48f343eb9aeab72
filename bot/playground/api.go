package playground

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/bot/web"
)

// Paths of the playground on the web listener.
const (
	PagePath   = "/playground"
	APIPath    = "/playground/api"
	EventsPath = APIPath + "/events"
)

// users are the people the page lets its reader be; their staff ids are
// the ones playground.yaml's teams name.
func users() []web.PlaygroundUser {
	return []web.PlaygroundUser{
		{ID: "alice", Name: "李雷", NameEN: "Li Lei", Role: "requester", Teams: []string{"frontend"}},
		{ID: "bob", Name: "韩梅梅", NameEN: "Han Meimei", Role: "approver", Teams: []string{"sre"}},
		{ID: "dave", Name: "王五", NameEN: "Wang Wu", Role: "none"},
	}
}

func user(id string) (web.PlaygroundUser, bool) {
	for _, u := range users() {
		if u.ID == id {
			return u, true
		}
	}
	return web.PlaygroundUser{}, false
}

// groupTitle is the group's name, in DingTalk and on the page.
const groupTitle = "商城发布群"

// apiHandler serves the page's JSON API: state, send, click, announce.
func (p *Playground) apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+APIPath+"/state", p.getState)
	mux.HandleFunc("POST "+APIPath+"/send", p.jsonOnly(p.send))
	mux.HandleFunc("POST "+APIPath+"/click", p.jsonOnly(p.click))
	mux.HandleFunc("POST "+APIPath+"/announce", p.jsonOnly(p.announce))
	mux.HandleFunc("POST "+DoctorPath, p.jsonOnly(p.doctorRun)) // doctor.go
	mux.HandleFunc("POST "+APIPath+"/alert", p.jsonOnly(p.alert))
	mux.HandleFunc(APIPath+"/", func(w http.ResponseWriter, _ *http.Request) {
		answer(w, http.StatusNotFound, map[string]string{"error": "no such playground API"})
	})
	return mux
}

func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, msg string) {
	answer(w, status, map[string]string{"error": msg})
}

// jsonOnly refuses a POST whose body is not JSON: a page elsewhere cannot
// send JSON to this server without the browser asking first (CORS), so it
// cannot type into the group or click a card on the reader's behalf.
func (p *Playground) jsonOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/json" {
			fail(w, http.StatusUnsupportedMediaType, "send application/json")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		h(w, r)
	}
}

// decode reads the body into v and checks its "as" names a user.
func decode(w http.ResponseWriter, r *http.Request, v interface{ who() string }) (web.PlaygroundUser, bool) {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		fail(w, http.StatusBadRequest, "the body is not the JSON expected: "+err.Error())
		return web.PlaygroundUser{}, false
	}
	u, ok := user(v.who())
	if !ok {
		fail(w, http.StatusBadRequest, "unknown user "+v.who()+": be alice, bob or dave")
	}
	return u, ok
}

type sendBody struct {
	As   string `json:"as"`
	Text string `json:"text"`
}

func (b *sendBody) who() string { return b.As }

func (p *Playground) getState(w http.ResponseWriter, r *http.Request) {
	as := r.URL.Query().Get("as")
	if _, ok := user(as); !ok {
		fail(w, http.StatusBadRequest, "?as= must name alice, bob or dave")
		return
	}
	answer(w, http.StatusOK, p.hub.state(as))
}

// send types text into the group as the user, @-mentioning the bot: the
// emulator pushes it down the bot's stream connection like DingTalk does.
func (p *Playground) send(w http.ResponseWriter, r *http.Request) {
	var b sendBody
	u, ok := decode(w, r, &b)
	if !ok {
		return
	}
	text := strings.TrimSpace(b.Text)
	if text == "" || len(text) > 2000 {
		fail(w, http.StatusBadRequest, "a message is 1 to 2000 bytes of text")
		return
	}
	d, err := p.emu.dt.SendText(dingtalkemu.BotMessage{ConversationID: chatID, Group: true, ConversationTitle: groupTitle,
		SenderStaffID: u.ID, SenderNick: u.Name, Text: text})
	if err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	answer(w, http.StatusAccepted, map[string]string{"msgId": d.MsgID})
}

type clickBody struct {
	As     string `json:"as"`
	Card   string `json:"card"`   // outTrackId
	Action string `json:"action"` // approve, reject or rollback
}

func (b *clickBody) who() string { return b.As }

// click presses a card button as the user: the callback the emulator
// sends carries what the button's template does, the action and the
// card's release_id, and the bot's answer updates the card (or the
// clicker's private notice) exactly as in DingTalk.
func (p *Playground) click(w http.ResponseWriter, r *http.Request) {
	var b clickBody
	u, ok := decode(w, r, &b)
	if !ok {
		return
	}
	c, found := p.emu.dt.Card(b.Card)
	switch {
	case !found || c.SpaceID != chatID:
		fail(w, http.StatusNotFound, "no card "+b.Card+" in the group")
		return
	}
	params, status, msg := buttonParams(c, b.Action)
	if status != 0 {
		fail(w, status, msg)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	res, err := p.emu.dt.ClickCard(ctx, dingtalkemu.Click{OutTrackID: c.OutTrackID, UserID: u.ID, Params: params})
	if err != nil {
		fail(w, http.StatusBadGateway, err.Error())
		return
	}
	answer(w, http.StatusOK, map[string]any{"code": res.Code, "notice": res.PrivateData["notice"], "card": res.CardData})
}

type announceBody struct {
	As   string `json:"as"`
	Post int    `json:"post"`
}

func (b *announceBody) who() string { return b.As }

// announce sends a configured announcement now, through the same
// once-only guard as the schedule (announce.Service.Fire).
func (p *Playground) announce(w http.ResponseWriter, r *http.Request) {
	var b announceBody
	if _, ok := decode(w, r, &b); !ok {
		return
	}
	ann := p.announcer()
	if ann == nil {
		fail(w, http.StatusNotFound, "no announcements are configured")
		return
	}
	at, err := fireAt(ann, b.Post, p.clock().Now())
	if err != nil {
		fail(w, http.StatusNotFound, err.Error())
		return
	}
	results, err := ann.Fire(r.Context(), b.Post, at)
	out := map[string]any{"sent": false, "skipped": ""}
	var skipped []string
	for _, res := range results {
		out["sent"] = out["sent"].(bool) || res.Sent
		if res.Skipped != "" {
			skipped = append(skipped, res.Skipped)
		}
	}
	out["skipped"] = strings.Join(skipped, "; ")
	if err != nil && !errors.Is(err, context.Canceled) {
		out["error"] = err.Error()
	}
	answer(w, http.StatusOK, out)
}
