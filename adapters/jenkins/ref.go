package jenkins

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/dingops/dingops/core"
)

// Ref identifies one release's build: the job, the queue item it was
// scheduled as, the build number once it started, and the release it is
// tagged with.
//
// Its string form is "<job>#<build>?queue=<id>&release=<id>", e.g.
// "team/web#42?queue=7&release=123", and "team/web?queue=7&release=123"
// before the build started. Jenkins forbids '#' and '?' in job names, so
// the form is unambiguous.
type Ref struct {
	Job     string // folder path of the job, e.g. "team/web"
	Queue   int64  // queue item id; 0 if unknown
	Build   int    // build number; 0 until the build started
	Release core.ReleaseID
}

// String renders the ref in the form ParseRef reads.
func (r Ref) String() string {
	var b strings.Builder
	b.WriteString(r.Job)
	if r.Build > 0 {
		b.WriteString("#" + strconv.Itoa(r.Build))
	}
	q := url.Values{}
	if r.Queue > 0 {
		q.Set("queue", strconv.FormatInt(r.Queue, 10))
	}
	if r.Release > 0 {
		q.Set("release", strconv.FormatInt(int64(r.Release), 10))
	}
	if len(q) > 0 {
		b.WriteString("?" + q.Encode())
	}
	return b.String()
}

// ParseRef reads a ref made by String.
func ParseRef(s string) (Ref, error) {
	head, query, _ := strings.Cut(s, "?")
	job, build, hasBuild := strings.Cut(head, "#")
	r := Ref{Job: job}
	if err := checkJob(job); err != nil {
		return Ref{}, fmt.Errorf("reading build ref %q: %w", s, err)
	}
	var err error
	if hasBuild {
		if r.Build, err = strconv.Atoi(build); err != nil || r.Build <= 0 {
			return Ref{}, fmt.Errorf("reading build ref %q: bad build number %q", s, build)
		}
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return Ref{}, fmt.Errorf("reading build ref %q: %w", s, err)
	}
	if v := q.Get("queue"); v != "" {
		if r.Queue, err = strconv.ParseInt(v, 10, 64); err != nil || r.Queue <= 0 {
			return Ref{}, fmt.Errorf("reading build ref %q: bad queue id %q", s, v)
		}
	}
	if v := q.Get("release"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return Ref{}, fmt.Errorf("reading build ref %q: bad release id %q", s, v)
		}
		r.Release = core.ReleaseID(id)
	}
	if r.Build == 0 && r.Queue == 0 {
		return Ref{}, fmt.Errorf("reading build ref %q: neither a build number nor a queue id", s)
	}
	return r, nil
}

// checkJob refuses job paths that cannot name a Jenkins job.
func checkJob(job string) error {
	if job == "" {
		return fmt.Errorf("no job")
	}
	for _, seg := range strings.Split(job, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "#?") {
			return fmt.Errorf("bad job path %q", job)
		}
	}
	return nil
}

// jobPath is the URL path of a job below the root: each folder segment
// becomes /job/<escaped segment>.
func jobPath(job string) string {
	var b strings.Builder
	for _, seg := range strings.Split(job, "/") {
		b.WriteString("/job/" + url.PathEscape(seg))
	}
	return b.String()
}

// buildPath is the URL path of a build below the root.
func buildPath(r Ref) string { return jobPath(r.Job) + "/" + strconv.Itoa(r.Build) }

// jobOfURL reads the job path back from a job URL Jenkins reports, so it
// can be compared with a configured one whatever host or escaping Jenkins
// used.
func jobOfURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	var names []string
	for i := 0; i+1 < len(segs); i++ {
		if segs[i] != "job" {
			names = names[:0]
			continue
		}
		name, err := url.PathUnescape(segs[i+1])
		if err != nil {
			return ""
		}
		names = append(names, name)
		i++
	}
	return strings.Join(names, "/")
}
