package jenkinsemu

import (
	"slices"
	"strings"
	"time"
)

// JobInfo is a job as the playground shows it.
type JobInfo struct {
	Path       string
	URL        string
	Parameters []string
	Disabled   bool
	Concurrent bool
	InQueue    bool
	Builds     int // how many builds it has had
}

// QueueItemInfo is a queue item that still answers at /queue/item/N/.
type QueueItemInfo struct {
	ID        int64
	Job       string
	Class     string // WaitingItem, BlockedItem, BuildableItem or LeftItem
	Why       string
	Params    []Param
	User      string
	Since     time.Time
	Cancelled bool
	Build     int // the build it became, once left (0 if none)
	LeftAt    time.Time
}

// BuildInfo is one build as the playground shows it.
type BuildInfo struct {
	Job       string
	Number    int
	URL       string
	QueueID   int64
	Params    []Param
	User      string
	Building  bool
	Result    string // "" while building
	Started   time.Time
	Finished  time.Time
	Artifacts []string // relative paths
}

// Param returns the value of the named parameter ("" if absent).
func (b BuildInfo) Param(name string) string {
	for _, p := range b.Params {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// Jobs lists the jobs by path.
func (s *Server) Jobs() []JobInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	out := make([]JobInfo, 0, len(s.jobs))
	for _, j := range s.jobs {
		out = append(out, JobInfo{Path: j.path, URL: s.jobURL(j.path), Parameters: slices.Clone(j.params),
			Disabled: j.disabled, Concurrent: j.concurrent, InQueue: s.inQueue(j), Builds: len(j.builds)})
	}
	slices.SortFunc(out, func(a, b JobInfo) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// Queue lists the queue items that still answer, oldest first: those
// waiting and those that left less than LeftItemTTL ago.
func (s *Server) Queue() []QueueItemInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	out := make([]QueueItemInfo, 0, len(s.items))
	for _, it := range s.items {
		info := QueueItemInfo{ID: it.id, Job: it.job.path, Class: strings.TrimPrefix(it.state.class(), "hudson.model.Queue$"),
			Why: it.why, Params: slices.Clone(it.params), User: it.user, Since: it.since,
			Cancelled: it.cancelled, LeftAt: it.leftAt}
		if it.build != nil {
			info.Build = it.build.number
		}
		out = append(out, info)
	}
	return out
}

// QueueItemsCreated is how many queue items were ever created: a trigger
// merged into an existing item (303) does not count.
func (s *Server) QueueItemsCreated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int(s.nextQueueID)
}

// Builds lists the builds of job ("" = every job), oldest first.
func (s *Server) Builds(job string) []BuildInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	var out []BuildInfo
	for _, j := range s.jobs {
		if job != "" && j.path != job {
			continue
		}
		for _, b := range j.builds {
			out = append(out, s.buildInfo(b))
		}
	}
	slices.SortFunc(out, func(a, b BuildInfo) int {
		if c := a.Started.Compare(b.Started); c != 0 {
			return c
		}
		return int(a.QueueID - b.QueueID)
	})
	return out
}

// Build returns one build.
func (s *Server) Build(job string, number int) (BuildInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	if j, ok := s.jobs[job]; ok && j.build(number) != nil {
		return s.buildInfo(j.build(number)), true
	}
	return BuildInfo{}, false
}

// Console returns a build's console text so far.
func (s *Server) Console(job string, number int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	if j, ok := s.jobs[job]; ok && j.build(number) != nil {
		return string(j.build(number).console)
	}
	return ""
}

// Requests returns the most recent requests received, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) buildInfo(b *build) BuildInfo {
	info := BuildInfo{Job: b.job.path, Number: b.number, URL: s.buildURL(b), QueueID: b.queueID,
		Params: slices.Clone(b.params), User: b.user, Building: b.building, Result: b.result,
		Started: b.started, Finished: b.finished}
	for name := range b.artifacts {
		info.Artifacts = append(info.Artifacts, name)
	}
	slices.Sort(info.Artifacts)
	return info
}
