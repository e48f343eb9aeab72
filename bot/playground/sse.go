package playground

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/dingops/dingops/bot/web"
)

// keepAlive is how often an idle event stream sends a comment, so proxies
// and the browser see it alive.
const keepAlive = 15 * time.Second

// events streams the reader's state as server-sent events: the current
// state at once, then each new one as it happens ("event: state"). The
// browser's EventSource reconnects by itself; a new connection starts
// with the whole state again, so nothing is missed.
func (p *Playground) events(w http.ResponseWriter, r *http.Request) {
	if !web.LoopbackHost(r.Host) {
		// A page elsewhere could reach this server through DNS rebinding.
		http.Error(w, "forbidden: the playground listens on localhost only", http.StatusForbidden)
		return
	}
	as := r.URL.Query().Get("as")
	if _, ok := user(as); !ok {
		http.Error(w, "?as= must name alice, bob or dave", http.StatusBadRequest)
		return
	}
	rc, err := openStream(w)
	if err != nil {
		return
	}
	last := int64(-1)
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		snap, version, changed := p.hub.current()
		if version != last {
			if p.sendState(w, rc, snap.view(as, version)) != nil {
				return
			}
			last = version
		}
		select {
		case <-r.Context().Done():
			return
		case <-p.stopping:
			return
		case <-changed:
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

// openStream answers with an event stream that asks the browser to
// reconnect within a second when it breaks.
func openStream(w http.ResponseWriter) (*http.ResponseController, error) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, err := fmt.Fprint(w, "retry: 1000\n\n")
	return http.NewResponseController(w), err
}

func (p *Playground) sendState(w http.ResponseWriter, rc *http.ResponseController, st State) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "event: state\nid: %d\ndata: %s\n\n", st.Version, data); err != nil {
		return err
	}
	return rc.Flush()
}
