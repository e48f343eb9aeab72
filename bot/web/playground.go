package web

import (
	"net/http"
	"strings"
)

// PlaygroundUser is one person the playground page lets its reader be.
type PlaygroundUser struct {
	ID     string   `json:"id"`     // DingTalk staff id, as the configuration's teams name it
	Name   string   `json:"name"`   // shown in Chinese
	NameEN string   `json:"nameEn"` // shown in English
	Role   string   `json:"role"`   // requester, approver or none: the page says which is which
	Teams  []string `json:"teams"`
}

// PlaygroundPage is what the playground page is built from. The page is a
// DingTalk group drawn in the browser: it reads the state from API+"/state",
// follows Events (server-sent events of the same state), and posts
// API+"/send", "/click" and "/announce"; bot/playground serves those.
type PlaygroundPage struct {
	Group  string // the group's name in the header
	Users  []PlaygroundUser
	API    string // base path of the playground's JSON API, e.g. /playground/api
	Events string // URL of the state's event stream
}

// playgroundView is the page's Data: the static parts are rendered on the
// server, the rest by static/playground.js from Config.
type playgroundView struct {
	Lang   string
	Page   PlaygroundPage
	Config playgroundConfig
}

// playgroundConfig is handed to the page's script as JSON.
type playgroundConfig struct {
	Lang   string            `json:"lang"`
	Group  string            `json:"group"`
	Users  []PlaygroundUser  `json:"users"`
	API    string            `json:"api"`
	Events string            `json:"events"`
	Text   map[string]string `json:"text"`
}

// T is one of the page's sentences in the reader's language.
func (p playgroundView) T(key string) string { return playgroundText(p.Lang, key) }

// UserName is a user's name in the reader's language.
func (p playgroundView) UserName(u PlaygroundUser) string {
	if p.Lang == "en" && u.NameEN != "" {
		return u.NameEN
	}
	return u.Name
}

// Initial is the letter on a user's avatar.
func (p playgroundView) Initial(u PlaygroundUser) string {
	for _, r := range p.UserName(u) {
		return string(r)
	}
	return "?"
}

// Playground is the playground page's handler; mount it with Handle, so it
// sits behind the same authentication and headers as the dashboard.
func (s *Server) Playground(p PlaygroundPage) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.newView(w, r, "", "")
		v.Title = playgroundText(v.Lang, "title")
		if p.Group != "" {
			v.Title += " · " + p.Group
		}
		v.Data = playgroundView{Lang: v.Lang, Page: p, Config: playgroundConfig{Lang: v.Lang, Group: p.Group,
			Users: p.Users, API: strings.TrimSuffix(p.API, "/"), Events: p.Events, Text: playgroundTexts(v.Lang)}}
		s.render(w, r, http.StatusOK, "playground", v)
	})
}
