package jenkinsemu

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Class names the API reports.
const (
	classJob    = "org.jenkinsci.plugins.workflow.job.WorkflowJob"
	classRun    = "org.jenkinsci.plugins.workflow.job.WorkflowRun"
	classFolder = "com.cloudbees.hudson.plugins.folder.Folder"
)

type obj = map[string]any

// jobURL is the job's absolute URL with a trailing slash, each segment
// escaped as Jenkins writes it.
func (s *Server) jobURL(path string) string {
	var b strings.Builder
	b.WriteString(s.URL())
	for _, seg := range strings.Split(path, "/") {
		b.WriteString("/job/" + url.PathEscape(seg))
	}
	return b.String() + "/"
}

func (s *Server) buildURL(b *build) string {
	return s.jobURL(b.job.path) + strconv.Itoa(b.number) + "/"
}

func lastSegment(path string) string { return path[strings.LastIndex(path, "/")+1:] }

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func (s *Server) rootJSON() obj {
	return obj{"_class": "hudson.model.Hudson", "mode": "NORMAL", "nodeDescription": "the Jenkins emulator",
		"numExecutors": s.executors, "url": s.URL() + "/", "useCrumbs": true, "useSecurity": true,
		"jobs": s.children("")}
}

func (s *Server) folderJSON(path string) obj {
	return obj{"_class": classFolder, "name": lastSegment(path), "fullName": path,
		"url": s.jobURL(path), "jobs": s.children(path)}
}

// children lists the direct jobs and folders of a folder ("" = the root).
func (s *Server) children(folder string) []obj {
	prefix := folder + "/"
	if folder == "" {
		prefix = ""
	}
	var out []obj
	add := func(path, class, color string) {
		if rest, ok := strings.CutPrefix(path, prefix); ok && !strings.Contains(rest, "/") {
			out = append(out, obj{"_class": class, "name": rest, "url": s.jobURL(path), "color": color})
		}
	}
	for path := range s.folders {
		add(path, classFolder, "")
	}
	for path, j := range s.jobs {
		add(path, classJob, j.color())
	}
	slices.SortFunc(out, func(a, b obj) int { return strings.Compare(a["name"].(string), b["name"].(string)) })
	return out
}

func (j *job) color() string {
	c := "notbuilt"
	if j.disabled {
		return "disabled"
	}
	for _, b := range j.builds {
		if !b.building {
			c = map[string]string{ResultSuccess: "blue", ResultUnstable: "yellow", ResultAborted: "aborted"}[b.result]
			if c == "" {
				c = "red"
			}
		}
	}
	if j.running() != nil {
		c += "_anime"
	}
	return c
}

// jobJSON renders a job; builds carry all build fields when the tree asks
// for more than number and url, and honour its {m,n} range.
func (s *Server) jobJSON(j *job, tree string) obj {
	full, lo, hi := buildsTree(tree)
	var builds []obj
	for i := len(j.builds) - 1; i >= 0; i-- {
		b := j.builds[i]
		if full {
			builds = append(builds, s.buildJSON(b))
		} else {
			builds = append(builds, obj{"_class": classRun, "number": b.number, "url": s.buildURL(b)})
		}
	}
	builds = builds[min(lo, len(builds)):min(hi, len(builds))]
	var last any
	if len(j.builds) > 0 {
		b := j.builds[len(j.builds)-1]
		last = obj{"_class": classRun, "number": b.number, "url": s.buildURL(b)}
	}
	return obj{"_class": classJob, "name": lastSegment(j.path), "fullName": j.path, "url": s.jobURL(j.path),
		"buildable": !j.disabled, "color": j.color(), "inQueue": s.inQueue(j), "nextBuildNumber": j.next + 1,
		"builds": builds, "lastBuild": last, "concurrentBuild": j.concurrent, "property": j.properties()}
}

// properties renders the ParametersDefinitionProperty of a parameterized
// job; an unparameterized one has none.
func (j *job) properties() []obj {
	if !j.parameterized {
		return []obj{}
	}
	defs := make([]obj, 0, len(j.params))
	for _, p := range j.params {
		defs = append(defs, obj{"_class": "hudson.model.StringParameterDefinition", "name": p,
			"type": "StringParameterDefinition", "defaultParameterValue": obj{"value": ""}})
	}
	return []obj{{"_class": "hudson.model.ParametersDefinitionProperty", "parameterDefinitions": defs}}
}

// buildsTree reads the builds part of a tree parameter: whether it names
// fields, and its {m,n} range (Jenkins caps builds at 100).
func buildsTree(tree string) (full bool, lo, hi int) {
	lo, hi = 0, 100
	i := strings.Index(tree, "builds[")
	if i < 0 {
		return false, lo, hi
	}
	depth, j := 0, i+len("builds")
	for ; j < len(tree); j++ {
		if tree[j] == '[' {
			depth++
		} else if tree[j] == ']' {
			if depth--; depth == 0 {
				break
			}
		}
	}
	rest := tree[min(j+1, len(tree)):]
	if !strings.HasPrefix(rest, "{") || !strings.Contains(rest, "}") {
		return true, lo, hi
	}
	spec := rest[1:strings.Index(rest, "}")]
	m, n, comma := strings.Cut(spec, ",")
	if v, err := strconv.Atoi(m); err == nil {
		lo, hi = v, v+1
	}
	if v, err := strconv.Atoi(n); err == nil {
		hi = v
	} else if comma {
		hi = 100
	}
	lo = max(lo, 0)
	return true, lo, max(hi, lo)
}

func (s *Server) inQueue(j *job) bool {
	return slices.ContainsFunc(s.items, func(it *item) bool { return it.job == j && it.state != stateLeft })
}

func (s *Server) queueJSON() obj {
	items := []obj{}
	for _, it := range s.items {
		if it.state != stateLeft {
			items = append(items, s.itemJSON(it))
		}
	}
	return obj{"_class": "hudson.model.Queue", "discoverableItems": []obj{}, "items": items}
}

// itemJSON renders a queue item; its own url is relative, as Jenkins
// exports Queue.Item.getUrl().
func (s *Server) itemJSON(it *item) obj {
	var params strings.Builder
	for _, p := range it.params {
		params.WriteString("\n" + p.Name + "=" + p.Value)
	}
	o := obj{"_class": it.state.class(), "id": it.id, "actions": actions(it.params, it.user),
		"blocked": it.state == stateBlocked, "buildable": it.state == stateBuildable, "stuck": false,
		"inQueueSince": millis(it.since), "params": params.String(), "url": "queue/item/" + strconv.FormatInt(it.id, 10) + "/",
		"task": obj{"_class": classJob, "name": lastSegment(it.job.path), "url": s.jobURL(it.job.path), "color": it.job.color()}}
	if it.state != stateLeft {
		o["why"] = it.why
		if it.state == stateWaiting {
			o["timestamp"] = millis(it.quietUntil)
		}
		return o
	}
	o["why"], o["cancelled"], o["executable"] = nil, it.cancelled, nil
	if it.build != nil {
		o["executable"] = obj{"_class": classRun, "number": it.build.number, "url": s.buildURL(it.build)}
	}
	return o
}

func (s *Server) buildJSON(b *build) obj {
	var result any
	var duration int64
	if !b.building {
		result, duration = b.result, b.finished.Sub(b.started).Milliseconds()
	}
	arts := []obj{}
	for _, name := range slices.Sorted(maps.Keys(b.artifacts)) {
		arts = append(arts, obj{"displayPath": lastSegment(name), "fileName": lastSegment(name), "relativePath": name})
	}
	return obj{"_class": classRun, "number": b.number, "id": strconv.Itoa(b.number), "url": s.buildURL(b),
		"displayName": "#" + strconv.Itoa(b.number), "fullDisplayName": b.job.path + " #" + strconv.Itoa(b.number),
		"building": b.building, "inProgress": b.building, "result": result, "duration": duration,
		"estimatedDuration": b.outcome.Duration.Milliseconds(), "timestamp": millis(b.started),
		"queueId": b.queueID, "artifacts": arts, "actions": actions(b.params, b.user)}
}

// actions renders a ParametersAction (when there are parameters) and the
// CauseAction, followed by the empty objects Jenkins emits for actions
// without exported fields.
func actions(params []Param, user string) []obj {
	var out []obj
	if len(params) > 0 {
		values := make([]obj, 0, len(params))
		for _, p := range params {
			values = append(values, obj{"_class": "hudson.model.StringParameterValue", "name": p.Name, "value": p.Value})
		}
		out = append(out, obj{"_class": "hudson.model.ParametersAction", "parameters": values})
	}
	cause := obj{"_class": "hudson.model.Cause$UserIdCause", "shortDescription": "Started by user " + user,
		"userId": user, "userName": user}
	return append(out, obj{"_class": "hudson.model.CauseAction", "causes": []obj{cause}}, obj{})
}
