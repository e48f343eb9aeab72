package jenkinsemu

import (
	"fmt"
	"slices"
	"time"
)

// Param is one build parameter, in the order the job declares it.
type Param struct {
	Name  string
	Value string
}

// job is one pipeline job; folders are only path prefixes.
type job struct {
	path          string // "folder/app"
	params        []string
	parameterized bool
	disabled      bool
	concurrent    bool
	outcome       Outcome
	byBranch      map[string]Outcome
	builds        []*build // ascending by number
	next          int
}

// itemState is the Queue.Item subclass an item currently is.
type itemState int

const (
	stateWaiting itemState = iota
	stateBlocked
	stateBuildable
	stateLeft
)

// class is the Jenkins class name the API reports for the state.
func (st itemState) class() string {
	return [...]string{"hudson.model.Queue$WaitingItem", "hudson.model.Queue$BlockedItem",
		"hudson.model.Queue$BuildableItem", "hudson.model.Queue$LeftItem"}[st]
}

// item is one queue item, from its trigger until it expires after leaving.
type item struct {
	id         int64
	job        *job
	params     []Param
	user       string
	since      time.Time
	quietUntil time.Time
	state      itemState
	why        string
	cancelled  bool
	build      *build
	leftAt     time.Time
}

// build is one run of a job.
type build struct {
	job       *job
	number    int
	queueID   int64
	params    []Param
	user      string
	outcome   Outcome
	started   time.Time
	finished  time.Time
	building  bool
	result    string
	console   []byte
	shown     int               // outcome console lines written so far
	artifacts map[string][]byte // by relative path
}

// schedule queues a build of j, or merges into a waiting item with the same
// parameters as Jenkins does (ScheduleResult.isCreated() == false → 303).
func (s *Server) schedule(j *job, params []Param, delay time.Duration, user string) (*item, bool) {
	for _, it := range s.items {
		if it.state != stateLeft && it.job == j && slices.Equal(it.params, params) {
			return it, false
		}
	}
	s.nextQueueID++
	now := s.now()
	it := &item{id: s.nextQueueID, job: j, params: params, user: user, since: now,
		quietUntil: now.Add(delay)}
	s.items = append(s.items, it)
	s.advance()
	return it, true
}

// advance moves the world to the clock's now: it ends builds whose time is
// up, starts queue items that can start, and expires old left items. Every
// request and inspection calls it, so the emulator needs no goroutines.
func (s *Server) advance() {
	now := s.now()
	s.finishDue(now)
	s.startDue(now)
	s.finishDue(now)
	s.expireLeft(now)
}

func (s *Server) finishDue(now time.Time) {
	for _, b := range slices.Clone(s.active) {
		s.reveal(b, now)
		if !b.outcome.UntilStopped && !now.Before(b.started.Add(b.outcome.Duration)) {
			s.complete(b, b.outcome.result(), now)
		}
	}
}

func (s *Server) startDue(now time.Time) {
	for _, it := range s.items {
		switch {
		case it.state == stateLeft:
		case now.Before(it.quietUntil):
			it.state = stateWaiting
			it.why = fmt.Sprintf("In the quiet period. Expires in %.1f sec", it.quietUntil.Sub(now).Seconds())
		case !it.job.concurrent && it.job.running() != nil:
			it.state = stateBlocked
			it.why = fmt.Sprintf("Build #%d is already in progress (ETA: N/A)", it.job.running().number)
		case len(s.active) >= s.executors:
			it.state = stateBuildable
			it.why = "Waiting for next available executor"
		default:
			s.start(it, now)
		}
	}
}

// start turns a queue item into a running build.
func (s *Server) start(it *item, now time.Time) {
	j := it.job
	j.next++
	b := &build{job: j, number: j.next, queueID: it.id, params: it.params, user: it.user,
		outcome: j.outcomeFor(it.params, s.opts.BranchParam), started: now, building: true,
		artifacts: map[string][]byte{}}
	b.console = fmt.Appendf(nil, "Started by user %s\n", it.user)
	j.builds = append(j.builds, b)
	s.active = append(s.active, b)
	it.state, it.why, it.build, it.leftAt = stateLeft, "", b, now
	s.log.Debug("jenkinsemu: build started", "job", j.path, "build", b.number, "queue_id", it.id)
}

// reveal writes the outcome's console lines in proportion to elapsed time.
func (s *Server) reveal(b *build, now time.Time) {
	lines := b.outcome.Console
	n := len(lines)
	if d := b.outcome.Duration; d > 0 && now.Sub(b.started) < d {
		n = int(int64(len(lines)) * int64(now.Sub(b.started)) / int64(d))
	}
	for ; b.shown < n; b.shown++ {
		b.console = append(b.console, lines[b.shown]+"\n"...)
	}
}

// complete ends a build with result; an aborted build archives nothing,
// the way a pipeline's post-success archive step never runs.
func (s *Server) complete(b *build, result string, now time.Time) {
	if !b.building {
		return
	}
	if result != ResultAborted {
		s.reveal(b, b.started.Add(b.outcome.Duration).Add(time.Nanosecond))
		s.archive(b)
	}
	b.console = fmt.Appendf(b.console, "Finished: %s\n", result)
	b.building, b.result, b.finished = false, result, now
	s.active = slices.DeleteFunc(s.active, func(x *build) bool { return x == b })
	s.log.Debug("jenkinsemu: build finished", "job", b.job.path, "build", b.number, "result", result)
}

func (s *Server) archive(b *build) {
	content := b.outcome.Artifact
	if b.outcome.ArtifactFunc != nil {
		content = b.outcome.ArtifactFunc(s.buildInfo(b))
	}
	if content != nil {
		b.artifacts[s.opts.ArtifactName] = slices.Clone(content)
	}
}

// abort stops a running build the way Run.doStop does.
func (s *Server) abort(b *build, user string) {
	if b.building {
		b.console = fmt.Appendf(b.console, "Aborted by %s\n", user)
		s.complete(b, ResultAborted, s.now())
	}
}

// cancel cancels a queue item that has not left; it reports false for an
// item that already left (Jenkins: "Could not cancel run for id").
func (s *Server) cancel(it *item) bool {
	if it.state == stateLeft {
		return false
	}
	it.state, it.cancelled, it.why, it.leftAt = stateLeft, true, "", s.now()
	return true
}

// expireLeft forgets left items older than LeftItemTTL: /queue/item/N/
// then answers 404, as Jenkins' left-item cache does after ~5 minutes.
func (s *Server) expireLeft(now time.Time) {
	s.items = slices.DeleteFunc(s.items, func(it *item) bool {
		return it.state == stateLeft && now.Sub(it.leftAt) >= s.opts.LeftItemTTL
	})
}

func (s *Server) item(id int64) *item {
	for _, it := range s.items {
		if it.id == id {
			return it
		}
	}
	return nil
}

func (j *job) running() *build {
	for _, b := range j.builds {
		if b.building {
			return b
		}
	}
	return nil
}

func (j *job) build(n int) *build {
	for _, b := range j.builds {
		if b.number == n {
			return b
		}
	}
	return nil
}

func (j *job) outcomeFor(params []Param, branchParam string) Outcome {
	for _, p := range params {
		if o, ok := j.byBranch[p.Value]; ok && p.Name == branchParam {
			return o
		}
	}
	return j.outcome
}

// bind keeps the declared parameters, in declaration order, with the value
// sent or the default (empty); undeclared ones are dropped as Jenkins does
// since SECURITY-170.
func (j *job) bind(get func(string) (string, bool)) []Param {
	out := make([]Param, 0, len(j.params))
	for _, name := range j.params {
		v, _ := get(name)
		out = append(out, Param{Name: name, Value: v})
	}
	return out
}
