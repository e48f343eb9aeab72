package jenkinsemu

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Build results, as Jenkins reports them.
const (
	ResultSuccess  = "SUCCESS"
	ResultUnstable = "UNSTABLE"
	ResultFailure  = "FAILURE"
	ResultNotBuilt = "NOT_BUILT"
	ResultAborted  = "ABORTED"
)

// Outcome scripts what a build does.
type Outcome struct {
	// Result the build ends with; default SUCCESS.
	Result string
	// Duration the build runs; its Console lines appear in proportion to
	// elapsed time.
	Duration time.Duration
	// Console lines the build writes between "Started by" and "Finished:".
	Console []string
	// Artifact is archived as the artifact file when the build ends (not
	// when it is aborted); nil archives nothing.
	Artifact []byte
	// ArtifactFunc, when set, makes the artifact from the build instead of
	// Artifact. It runs under the emulator's lock: it must not call the
	// Server.
	ArtifactFunc func(BuildInfo) []byte
	// UntilStopped keeps the build running after Duration until it is
	// stopped or FinishBuild ends it.
	UntilStopped bool
}

func (o Outcome) result() string {
	if o.Result == "" {
		return ResultSuccess
	}
	return o.Result
}

// JobOptions describe a job to AddJob.
type JobOptions struct {
	// Parameters the job declares. A trigger's undeclared parameters are
	// dropped, as Jenkins does. nil declares DingopsParameters(); an empty
	// non-nil slice makes the job unparameterized (buildWithParameters then
	// answers 500 "This build is not parameterized!").
	Parameters []string
	// Disabled makes triggers answer 409.
	Disabled bool
	// Concurrent lets builds of the job run side by side; otherwise a queued
	// item waits as a BlockedItem while a build runs.
	Concurrent bool
	// Outcome is what builds do unless a branch outcome matches.
	Outcome Outcome
}

// DingopsParameters are the parameters dingops's builder sends.
func DingopsParameters() []string {
	return []string{"DINGOPS_APP", "DINGOPS_BRANCH", "DINGOPS_COMMIT", "DINGOPS_VERSION",
		"DINGOPS_REQUESTER", "DINGOPS_RELEASE_ID"}
}

// ErrNoSuchJob is returned by the control methods for an unknown job or build.
var ErrNoSuchJob = errors.New("jenkinsemu: no such job or build")

// AddJob creates a job at path ("app" or "folder/sub/app"); the folders on
// the way are created as needed.
func (s *Server) AddJob(path string, o JobOptions) error {
	segs := strings.Split(path, "/")
	if slices.Contains(segs, "") {
		return fmt.Errorf("jenkinsemu: bad job path %q", path)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.jobs[path]; ok || s.folders[path] {
		return fmt.Errorf("jenkinsemu: %q already exists", path)
	}
	for i := 1; i < len(segs); i++ {
		folder := strings.Join(segs[:i], "/")
		if _, ok := s.jobs[folder]; ok {
			return fmt.Errorf("jenkinsemu: %q is a job, not a folder", folder)
		}
		s.folders[folder] = true
	}
	params := o.Parameters
	if params == nil {
		params = DingopsParameters()
	}
	s.jobs[path] = &job{path: path, params: slices.Clone(params), parameterized: len(params) > 0,
		disabled: o.Disabled, concurrent: o.Concurrent, outcome: o.Outcome, byBranch: map[string]Outcome{}}
	return nil
}

// SetOutcome sets what later builds of the job at path do.
func (s *Server) SetOutcome(path string, o Outcome) error {
	return s.withJob(path, func(j *job) { j.outcome = o })
}

// SetBranchOutcome sets what later builds of the job at path do when their
// branch parameter (Options.BranchParam) is branch.
func (s *Server) SetBranchOutcome(path, branch string, o Outcome) error {
	return s.withJob(path, func(j *job) { j.byBranch[branch] = o })
}

// SetJobDisabled disables or enables the job at path.
func (s *Server) SetJobDisabled(path string, disabled bool) error {
	return s.withJob(path, func(j *job) { j.disabled = disabled })
}

// SetExecutors sets how many builds may run at once; 0 holds every item in
// the queue as a BuildableItem.
func (s *Server) SetExecutors(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.executors = max(n, 0)
	s.advance()
}

// SetRequireCrumb makes POSTs without a valid crumb (and its session
// cookie) answer 403 "No valid crumb was included in the request", as a
// Jenkins does for password or session authentication.
func (s *Server) SetRequireCrumb(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requireCrumb = on
}

// AppendConsole writes text to the console of a running build of the job
// at path.
func (s *Server) AppendConsole(path string, number int, text string) error {
	return s.withBuild(path, number, func(b *build) error {
		if !b.building {
			return fmt.Errorf("jenkinsemu: %s #%d has finished", path, number)
		}
		b.console = append(b.console, text...)
		return nil
	})
}

// FinishBuild ends a running build of the job at path with result now (its
// remaining console lines and artifact included).
func (s *Server) FinishBuild(path string, number int, result string) error {
	return s.withBuild(path, number, func(b *build) error {
		if !b.building {
			return fmt.Errorf("jenkinsemu: %s #%d has finished", path, number)
		}
		s.complete(b, result, s.now())
		return nil
	})
}

func (s *Server) withJob(path string, f func(*job)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[path]
	if !ok {
		return fmt.Errorf("%w: %s", ErrNoSuchJob, path)
	}
	f(j)
	s.advance()
	return nil
}

func (s *Server) withBuild(path string, number int, f func(*build) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	j, ok := s.jobs[path]
	if !ok || j.build(number) == nil {
		return fmt.Errorf("%w: %s #%d", ErrNoSuchJob, path, number)
	}
	err := f(j.build(number))
	s.advance()
	return err
}
