package jenkinsemu

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// segments splits the path after the context path into unescaped segments,
// so an escaped "/" (%2F) stays inside its segment as in Jenkins.
func (s *Server) segments(r *http.Request) ([]string, bool) {
	p := r.URL.EscapedPath()
	if p != s.opts.ContextPath && !strings.HasPrefix(p, s.opts.ContextPath+"/") {
		return nil, false
	}
	p = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(p, s.opts.ContextPath), "/"), "/")
	if p == "" {
		return nil, true
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		u, err := url.PathUnescape(seg)
		if err != nil {
			return nil, false
		}
		segs[i] = u
	}
	return segs, true
}

// route dispatches a request; the caller holds the lock.
func (s *Server) route(w http.ResponseWriter, r *http.Request, user string) {
	segs, ok := s.segments(r)
	switch {
	case !ok:
		errorPage(w, http.StatusNotFound, "Not Found")
	case len(segs) == 0 || is(segs, "api", "json"):
		s.getOnly(w, r, func() { writeJSON(w, s.rootJSON()) })
	case is(segs, "crumbIssuer", "api", "json"):
		s.getOnly(w, r, func() { s.crumbIssuer(w, r, user) })
	case segs[0] == "queue":
		s.routeQueue(w, r, segs[1:])
	case segs[0] == "job":
		s.routeJob(w, r, segs, user)
	default:
		errorPage(w, http.StatusNotFound, "Not Found")
	}
}

func (s *Server) routeQueue(w http.ResponseWriter, r *http.Request, segs []string) {
	switch {
	case is(segs, "api", "json"):
		s.getOnly(w, r, func() { writeJSON(w, s.queueJSON()) })
	case is(segs, "cancelItem"):
		s.postOnly(w, r, func() { s.cancelItem(w, r) })
	case len(segs) >= 2 && segs[0] == "item" && (len(segs) == 2 || is(segs[2:], "api", "json")):
		id, err := strconv.ParseInt(segs[1], 10, 64)
		it := s.item(id)
		if err != nil || it == nil {
			errorPage(w, http.StatusNotFound, "Not Found")
			return
		}
		s.getOnly(w, r, func() { writeJSON(w, s.itemJSON(it)) })
	default:
		errorPage(w, http.StatusNotFound, "Not Found")
	}
}

// cancelItem answers like Queue.doCancelItem of current Jenkins: 204, 404
// for an unknown id, 500 for an item that already left.
func (s *Server) cancelItem(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	it := s.item(id)
	switch {
	case err != nil || it == nil:
		errorPage(w, http.StatusNotFound, fmt.Sprintf("Provided id (%d) not found", id))
	case !s.cancel(it):
		errorPage(w, http.StatusInternalServerError, fmt.Sprintf("Could not cancel run for id %d", id))
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// routeJob walks job/<name> pairs to a job or a folder.
func (s *Server) routeJob(w http.ResponseWriter, r *http.Request, segs []string, user string) {
	var names []string
	for len(segs) >= 2 && segs[0] == "job" {
		names, segs = append(names, segs[1]), segs[2:]
	}
	path := strings.Join(names, "/")
	if j, ok := s.jobs[path]; ok {
		s.routeJobRest(w, r, j, segs, user)
		return
	}
	if s.folders[path] && (len(segs) == 0 || is(segs, "api", "json")) {
		s.getOnly(w, r, func() { writeJSON(w, s.folderJSON(path)) })
		return
	}
	errorPage(w, http.StatusNotFound, "Not Found")
}

func (s *Server) routeJobRest(w http.ResponseWriter, r *http.Request, j *job, segs []string, user string) {
	switch {
	case len(segs) == 0 || is(segs, "api", "json"):
		s.getOnly(w, r, func() { writeJSON(w, s.jobJSON(j, r.URL.Query().Get("tree"))) })
	case is(segs, "buildWithParameters"):
		s.postOnly(w, r, func() { s.trigger(w, r, j, user, true) })
	case is(segs, "build"):
		s.postOnly(w, r, func() { s.trigger(w, r, j, user, false) })
	default:
		n, err := strconv.Atoi(segs[0])
		if b := j.build(n); err == nil && b != nil {
			s.routeBuild(w, r, b, segs[1:], user)
			return
		}
		errorPage(w, http.StatusNotFound, "Not Found")
	}
}

func (s *Server) routeBuild(w http.ResponseWriter, r *http.Request, b *build, segs []string, user string) {
	switch {
	case len(segs) == 0 || is(segs, "api", "json"):
		s.getOnly(w, r, func() { writeJSON(w, s.buildJSON(b)) })
	case is(segs, "logText", "progressiveText"):
		s.getOnly(w, r, func() { progressiveText(w, r, b) })
	case is(segs, "consoleText"):
		s.getOnly(w, r, func() {
			w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
			_, _ = w.Write(b.console)
		})
	case is(segs, "stop"):
		s.postOnly(w, r, func() {
			s.abort(b, user)
			w.Header().Set("Location", s.buildURL(b))
			w.WriteHeader(http.StatusFound)
		})
	case len(segs) > 1 && segs[0] == "artifact":
		content, ok := b.artifacts[strings.Join(segs[1:], "/")]
		if !ok {
			errorPage(w, http.StatusNotFound, "Not Found")
			return
		}
		s.getOnly(w, r, func() { _, _ = w.Write(content) })
	default:
		errorPage(w, http.StatusNotFound, "Not Found")
	}
}

// trigger answers buildWithParameters (and build): 201 with the new queue
// item's URL in Location, or 303 with the URL of an identical waiting item.
func (s *Server) trigger(w http.ResponseWriter, r *http.Request, j *job, user string, withParams bool) {
	if err := r.ParseForm(); err != nil {
		errorPage(w, http.StatusBadRequest, err.Error())
		return
	}
	if j.disabled {
		errorPage(w, http.StatusConflict, j.path+" is not buildable")
		return
	}
	if withParams && !j.parameterized {
		errorPage(w, http.StatusInternalServerError, "This build is not parameterized!")
		return
	}
	delay, ok := s.delay(r.Form)
	if !ok {
		errorPage(w, http.StatusBadRequest, "Invalid delay parameter value: "+r.Form.Get("delay"))
		return
	}
	get := func(name string) (string, bool) {
		v, ok := r.Form[name]
		if !ok || !withParams {
			return "", false
		}
		return v[0], true
	}
	it, created := s.schedule(j, j.bind(get), delay, user)
	w.Header().Set("Location", fmt.Sprintf("%s/queue/item/%d/", s.URL(), it.id))
	if created {
		w.WriteHeader(http.StatusCreated)
		return
	}
	w.WriteHeader(http.StatusSeeOther)
}

// delay parses Jenkins' delay parameter ("0sec", "5secs", "5").
func (s *Server) delay(form url.Values) (time.Duration, bool) {
	raw, ok := form["delay"]
	if !ok {
		return s.opts.QuietPeriod, true
	}
	v := strings.TrimSpace(strings.ToLower(raw[0]))
	v = strings.TrimSuffix(strings.TrimSuffix(v, "secs"), "sec")
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// progressiveText answers like stapler's LargeText.doProgressText: the text
// from start, X-Text-Size for the next start, X-More-Data while it grows.
func progressiveText(w http.ResponseWriter, r *http.Request, b *build) {
	start, err := strconv.Atoi(r.URL.Query().Get("start"))
	if err != nil || start < 0 || start > len(b.console) {
		start = 0
	}
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.Header().Set("X-Text-Size", strconv.Itoa(len(b.console)))
	if b.building {
		w.Header().Set("X-More-Data", "true")
	}
	_, _ = w.Write(b.console[start:])
}

func (s *Server) getOnly(w http.ResponseWriter, r *http.Request, f func()) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		errorPage(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	f()
}

// postOnly answers like Stapler's @RequirePOST.
func (s *Server) postOnly(w http.ResponseWriter, r *http.Request, f func()) {
	if r.Method != http.MethodPost {
		errorPage(w, http.StatusMethodNotAllowed, "This URL requires POST")
		return
	}
	f()
}

func is(segs []string, want ...string) bool { return slices.Equal(segs, want) }
