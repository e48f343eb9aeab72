package configs

import (
	"fmt"
	"net"
	"sort"
	"strings"
)

// crossChecks finds settings that are valid alone but contradict another
// setting; each is reported at the key that is at fault.
func (v *validator) crossChecks() {
	v.listenersApart()
	v.conversationsOnce()
	v.chatsListedOnce()
	v.pollWithinLease()
}

// listenersApart refuses the ops and web listeners on one address: the
// second listener would fail to bind at start, or — with a wildcard and a
// specific host on one port — bind one and shadow the other.
func (v *validator) listenersApart() {
	s := v.cfg.Server
	if overlap(s.OpsAddr, s.WebAddr) {
		v.bad("server.ops_addr", "%s is the same listener address as server.web_addr %s (port %s): give the ops "+
			"listener (/metrics, /healthz) its own port", s.OpsAddr, s.WebAddr, port(s.OpsAddr))
	}
}

// overlap says whether two listen addresses would claim the same socket:
// the same port, and the same host or one of them every interface. Port 0
// (any free port) never collides.
func overlap(a, b string) bool {
	ha, pa, errA := net.SplitHostPort(a)
	hb, pb, errB := net.SplitHostPort(b)
	if errA != nil || errB != nil || pa != pb || pa == "0" {
		return false
	}
	ha, hb = listenHost(ha), listenHost(hb)
	return ha == hb || ha == "*" || hb == "*"
}

// listenHost normalises a listen host: every interface is "*", localhost
// and the loopback addresses are "loopback".
func listenHost(h string) string {
	switch ip := net.ParseIP(h); {
	case h == "" || (ip != nil && ip.IsUnspecified()):
		return "*"
	case strings.EqualFold(h, "localhost") || (ip != nil && ip.IsLoopback()):
		return "loopback"
	case ip != nil:
		return ip.String()
	}
	return strings.ToLower(h)
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// conversationsOnce refuses one conversation under two chat names: the
// bot would name the group and pick its language by whichever entry came
// last. The entry written later is at fault.
func (v *validator) conversationsOnce() {
	names := sortedKeys(v.cfg.Chats)
	sort.SliceStable(names, func(i, j int) bool { return v.line("chats."+names[i]) < v.line("chats."+names[j]) })
	first := map[string]string{}
	for _, n := range names {
		id := v.cfg.Chats[n].ConversationID
		if id == "" {
			continue
		}
		if prev, seen := first[id]; seen {
			v.bad("chats."+n+".conversation_id", "chats.%s already has conversation_id %q: one DingTalk group is one chat "+
				"entry (list it under several apps instead)", prev, id)
			continue
		}
		first[id] = n
	}
}

// chatsListedOnce warns about an app that lists a chat twice (its cards
// would be posted to the group twice).
func (v *validator) chatsListedOnce() {
	for _, app := range sortedKeys(v.cfg.Apps) {
		a := v.cfg.Apps[app]
		if a == nil {
			continue // an empty app entry is reported by the app checks
		}
		seen := map[string]bool{}
		for i, c := range a.Chats {
			if seen[c] {
				v.warn(fmt.Sprintf("apps.%s.chats[%d]", app, i), "lists chat %s twice: list it once", c)
			}
			seen[c] = true
		}
	}
}

// pollWithinLease warns when the worker's fallback scan is slower than its
// lease: a release a crashed replica held is taken over only at the next
// scan, so the lease no longer bounds how long it waits.
func (v *validator) pollWithinLease() {
	w := v.cfg.Worker
	if w.Poll.Std() > w.Lease.Std() {
		v.warn("worker.poll", "%s is longer than worker.lease %s: work a crashed replica held waits up to worker.poll "+
			"(not the lease) before another replica resumes it; keep poll at or under the lease", w.Poll.Std(), w.Lease.Std())
	}
}
