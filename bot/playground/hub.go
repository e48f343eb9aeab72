package playground

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/dingops/dingops/bot/announce"
)

// pollEvery is how often the hub re-reads the emulators that do not tell
// about changes (OSS, Jenkins, the cluster); DingTalk's changes wake it at
// once.
const pollEvery = 250 * time.Millisecond

// hub keeps the latest snapshot of everything the page shows and wakes the
// page's event streams when it changes.
type hub struct {
	emu *emulators
	ann *announce.Service
	log *slog.Logger
	// alertStates are the alert controls (set once, before run)
	alertStates func() []AlertState

	refreshMu sync.Mutex // one refresh at a time, so an older read never replaces a newer

	mu      sync.Mutex
	snap    snapshot
	raw     []byte
	version int64
	changed chan struct{} // closed and replaced on every change
}

func newHub(emu *emulators, ann *announce.Service, log *slog.Logger) *hub {
	h := &hub{emu: emu, ann: ann, log: log, changed: make(chan struct{})}
	h.refresh()
	return h
}

// setAnnouncer points the announcements panel at a new service (after a
// language switch assembled a new system).
func (h *hub) setAnnouncer(ann *announce.Service) {
	h.refreshMu.Lock()
	defer h.refreshMu.Unlock()
	h.ann = ann
}

// collect reads every emulator.
func (h *hub) collect() snapshot {
	msgs, private := messages(h.emu.dt)
	s := snapshot{Messages: msgs, Private: private, Direct: h.emu.dt.DirectMessages(), Web: h.emu.web(),
		API: h.emu.api(), Mini: h.emu.mini(), Builds: h.emu.builds(), Ann: announcements(h.ann, time.Now()),
		ArgoCD: h.emu.argoState()}
	if h.alertStates != nil {
		s.Alerts = h.alertStates()
	}
	return s
}

// refresh re-reads the emulators and, if anything changed, publishes it.
func (h *hub) refresh() {
	h.refreshMu.Lock()
	defer h.refreshMu.Unlock()
	s := h.collect()
	raw, err := json.Marshal(s)
	if err != nil {
		h.log.Error("encoding the playground state", "err", err)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if bytes.Equal(raw, h.raw) {
		return
	}
	h.snap, h.raw = s, raw
	h.version++
	close(h.changed)
	h.changed = make(chan struct{})
}

// current is the latest snapshot, its version, and a channel closed at the
// next change.
func (h *hub) current() (snapshot, int64, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.snap, h.version, h.changed
}

// state is reader as's view of the latest snapshot.
func (h *hub) state(as string) State {
	s, v, _ := h.current()
	return s.view(as, v)
}

// run refreshes on every DingTalk change and every pollEvery until ctx ends.
func (h *hub) run(ctx context.Context) error {
	events, stop := h.emu.dt.Subscribe()
	defer stop()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-events:
			if !ok {
				return nil
			}
		case <-tick.C:
		}
		h.refresh()
	}
}
