package dingtalkemu

import (
	"encoding/json"
	"net/http"
	"time"
)

// ClientVersionHandler models a client-visible version endpoint of a mini
// program (the operator's own backend echoing the version its clients
// report; DingTalk has none): it answers {"version": "1.2.0",
// "appVersionId": 42} with the version clients run. Clients pick a newly
// online version up only delay after it went online (by the emulator's
// clock); until then they run the one online before it. DingTalk documents
// no propagation time: delay is the model's knob.
func (s *Server) ClientVersionHandler(agentID string, delay time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		v, ok := s.clientVersion(agentID, delay)
		if !ok {
			http.Error(w, "no version online", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"version": v.Version, "appVersionId": v.ID})
	})
}

func (s *Server) clientVersion(agentID string, delay time.Duration) (MiniAppVersion, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.miniApps[agentID]
	if !ok || a.online == 0 {
		return MiniAppVersion{}, false
	}
	v := a.versions[a.find(a.online)]
	if s.now().Sub(v.ModifyTime) >= delay || a.previous == 0 {
		return *v, true
	}
	if i := a.find(a.previous); i >= 0 {
		return *a.versions[i], true
	}
	return *v, true
}
