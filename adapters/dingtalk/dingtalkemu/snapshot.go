package dingtalkemu

import (
	"maps"
	"slices"
)

// MiniAppState is an installed mini program with its versions.
type MiniAppState struct {
	MiniApp
	Versions []MiniAppVersion // upload order, with their current type
	Online   int64            // online appVersionId, 0 if none
}

// MiniApps lists the installed mini programs by agent id.
func (s *Server) MiniApps() []MiniAppState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]MiniAppState, 0, len(s.st.miniApps))
	for _, id := range slices.Sorted(maps.Keys(s.st.miniApps)) {
		out = append(out, s.st.miniApps[id].state())
	}
	return out
}

func (a *miniApp) state() MiniAppState {
	st := MiniAppState{MiniApp: a.MiniApp, Online: a.online}
	st.Admins = slices.Clone(a.Admins)
	for _, v := range a.versions {
		st.Versions = append(st.Versions, a.typed(v))
	}
	return st
}

// Snapshot is everything the emulator recorded, for a page that shows it
// (encode it as JSON); re-read it on every Subscribe event.
type Snapshot struct {
	Connections    []ConnInfo
	BotMessages    []BotMessage
	Frames         []Frame
	Acks           []Ack
	Problems       []Problem
	Cards          []Card
	GroupMessages  []GroupMessage
	DirectMessages []DirectMessage
	Replies        []Reply
	MiniApps       []MiniAppState
	Requests       []Request
}

// Snapshot copies the recorded state.
func (s *Server) Snapshot() Snapshot {
	return Snapshot{Connections: s.Connections(), BotMessages: s.BotMessages(), Frames: s.Frames(), Acks: s.Acks(),
		Problems: s.Problems(), Cards: s.Cards(), GroupMessages: s.GroupMessages(), DirectMessages: s.DirectMessages(),
		Replies: s.Replies(), MiniApps: s.MiniApps(), Requests: s.Requests()}
}
