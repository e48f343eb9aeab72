package cdnemu

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Task is one refresh task: the URLs (or directories, patterns) of one
// RefreshObjectCaches call.
type Task struct {
	ID          string
	Paths       []string
	ObjectType  string // File, Directory, Regex or IgnoreParams
	Force       bool
	AccessKeyID string
	At          time.Time
}

// maxPaths is how many lines one RefreshObjectCaches call may carry.
const maxPaths = 1000

func (s *Server) refreshObjectCaches(c *call) {
	if v := c.r.Header.Get("x-acs-version"); v != "2018-05-10" {
		c.fail(&apiError{http.StatusBadRequest, "InvalidVersion", "Specified parameter Version is not valid."})
		return
	}
	raw := c.params.Get("ObjectPath")
	if strings.TrimSpace(raw) == "" {
		c.fail(&apiError{http.StatusBadRequest, "MissingObjectPath", "ObjectPath is mandatory for this action."})
		return
	}
	objectType, e := parseObjectType(c.params.Get("ObjectType"))
	if e != nil {
		c.fail(e)
		return
	}
	paths, e := s.parsePaths(raw)
	if e != nil {
		c.fail(e)
		return
	}
	_, n := s.nextID()
	task := Task{ID: strconv.FormatUint(17000000000+n, 10), Paths: paths, ObjectType: objectType,
		Force: c.params.Get("Force") == "true", AccessKeyID: c.rec.AccessKeyID, At: s.now()}
	s.mu.Lock()
	s.tasks = append(s.tasks, task)
	s.mu.Unlock()
	c.ok(map[string]any{"RefreshTaskId": task.ID})
}

func parseObjectType(v string) (string, *apiError) {
	for _, t := range []string{"File", "Directory", "Regex", "IgnoreParams"} {
		if v == "" || strings.EqualFold(v, t) {
			if v == "" {
				return "File", nil
			}
			return t, nil
		}
	}
	return "", &apiError{http.StatusBadRequest, "InvalidObjectType.ValueNotSupported",
		"The specified ObjectType is not supported: " + v}
}

// parsePaths splits ObjectPath on line feeds. Each line is a URL, with or
// without scheme, whose domain must be one of Options.Domains when set.
func (s *Server) parsePaths(raw string) ([]string, *apiError) {
	var paths []string
	for _, line := range strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			paths = append(paths, line)
		}
	}
	if len(paths) > maxPaths {
		return nil, &apiError{http.StatusBadRequest, "InvalidObjectPath.Malformed",
			"Too many URLs in one request: at most " + strconv.Itoa(maxPaths) + "."}
	}
	for _, p := range paths {
		withScheme := p
		if !strings.Contains(p, "://") {
			withScheme = "http://" + p
		}
		u, err := url.Parse(withScheme)
		if err != nil || u.Host == "" {
			return nil, &apiError{http.StatusBadRequest, "InvalidObjectPath.Malformed",
				"The specified ObjectPath is invalid: " + p}
		}
		if len(s.opts.Domains) > 0 && !contains(s.opts.Domains, u.Hostname()) {
			return nil, &apiError{http.StatusNotFound, "InvalidDomain.NotFound",
				"The domain " + u.Hostname() + " does not exist or does not belong to you."}
		}
	}
	return paths, nil
}

func (s *Server) describeRefreshTask(c *call) {
	ids := strings.Split(c.params.Get("TaskId"), ",")
	if c.params.Get("TaskId") == "" {
		c.fail(&apiError{http.StatusBadRequest, "MissingTaskId", "TaskId is mandatory for this action."})
		return
	}
	var out []map[string]any
	s.mu.Lock()
	for _, t := range s.tasks {
		if !contains(ids, t.ID) {
			continue
		}
		for _, p := range t.Paths {
			status, process := s.progress(t)
			out = append(out, map[string]any{"TaskId": t.ID, "ObjectPath": p,
				"ObjectType": strings.ToLower(t.ObjectType), "Status": status, "Process": process,
				"CreationTime": t.At.Format("2006-01-02T15:04:05Z"), "Description": ""})
		}
	}
	s.mu.Unlock()
	c.ok(map[string]any{"TotalCount": len(out), "Tasks": out})
}
