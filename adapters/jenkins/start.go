package jenkins

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/dingops/dingops/core"
)

// The parts of Jenkins' JSON the builder reads.
type (
	paramValue struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	}
	action struct {
		Parameters []paramValue `json:"parameters"`
	}
	queueItem struct {
		ID        int64    `json:"id"`
		Cancelled bool     `json:"cancelled"`
		Why       string   `json:"why"`
		Actions   []action `json:"actions"`
		Task      struct {
			URL string `json:"url"`
		} `json:"task"`
		Executable *struct {
			Number int `json:"number"`
		} `json:"executable"`
	}
	buildInfo struct {
		Number    int      `json:"number"`
		URL       string   `json:"url"`
		Building  bool     `json:"building"`
		Result    string   `json:"result"`
		QueueID   int64    `json:"queueId"`
		Actions   []action `json:"actions"`
		Artifacts []struct {
			RelativePath string `json:"relativePath"`
		} `json:"artifacts"`
	}
)

const (
	queueTree = "items[id,task[url],actions[parameters[name,value]]]"
	buildTree = "number,url,building,result,queueId,actions[parameters[name,value]],artifacts[relativePath]"
)

// param is the value of a parameter in a ParametersAction, as text.
func param(actions []action, name string) (string, bool) {
	for _, a := range actions {
		for _, p := range a.Parameters {
			if p.Name == name {
				return fmt.Sprint(p.Value), true
			}
		}
	}
	return "", false
}

func tagged(actions []action, release core.ReleaseID) bool {
	v, ok := param(actions, ParamReleaseID)
	return ok && v == strconv.FormatInt(int64(release), 10)
}

// Start returns the build of req's release: one already queued or built
// with its tag, or a new one. The tag is looked up first so that a
// restarted worker never triggers a second build.
func (b *Builder) Start(ctx context.Context, req core.BuildRequest) (string, error) {
	if err := checkJob(req.Job); err != nil {
		return "", fmt.Errorf("starting the build of release %s: %w", req.ReleaseID, err)
	}
	if req.ReleaseID <= 0 {
		return "", fmt.Errorf("starting a build of %s: no release id to tag it with", req.Job)
	}
	ref, found, err := b.findTagged(ctx, req.Job, req.ReleaseID, req.Options)
	if err != nil {
		return "", fmt.Errorf("looking for the build of release %s: %w", req.ReleaseID, err)
	}
	if found {
		b.log.Info("jenkins: found the release's build", "ref", ref.String())
		return ref.String(), nil
	}
	return b.triggerTagged(ctx, req)
}

// findTagged looks for the release's queue item, then for its build among
// the job's recent builds (in this order: an item leaving the queue in
// between is then found as a build). A job that does not declare the tag
// parameter is refused: Jenkins would drop the tag, and a restarted worker
// could not find the build.
func (b *Builder) findTagged(ctx context.Context, job string, release core.ReleaseID, opts []core.OptionValue) (Ref, bool, error) {
	var q struct {
		Items []queueItem `json:"items"`
	}
	if err := b.getJSON(ctx, "/queue/api/json", url.Values{"tree": {queueTree}}, &q); err != nil {
		return Ref{}, false, err
	}
	for _, it := range q.Items {
		if jobOfURL(it.Task.URL) == job && tagged(it.Actions, release) {
			return Ref{Job: job, Queue: it.ID, Release: release}, true, nil
		}
	}
	j, err := b.job(ctx, job)
	if err != nil {
		return Ref{}, false, err
	}
	for _, bi := range j.Builds {
		if tagged(bi.Actions, release) {
			return Ref{Job: job, Queue: bi.QueueID, Build: bi.Number, Release: release}, true, nil
		}
	}
	if !j.declares(ParamReleaseID) {
		// A Jenkinsfile's parameters {} block is registered by the job's
		// first run only (https://issues.jenkins.io/browse/JENKINS-41929).
		return Ref{}, false, fmt.Errorf("job %s does not declare the string parameter %s (nor the other DINGOPS_* ones): "+
			"Jenkins would drop the release tag; if the Jenkinsfile declares them, Jenkins registers them only when the job "+
			"has run once: run it once by hand (Build Now), then ask again", job, ParamReleaseID)
	}
	if err := j.declaresOptions(job, opts); err != nil {
		return Ref{}, false, err
	}
	return Ref{}, false, nil
}

// jobInfo is a job's recent builds and the parameters it declares.
type jobInfo struct {
	Builds   []buildInfo `json:"builds"`
	Property []struct {
		ParameterDefinitions []struct {
			Name string `json:"name"`
		} `json:"parameterDefinitions"`
	} `json:"property"`
}

func (j jobInfo) declares(name string) bool {
	for _, p := range j.Property {
		for _, d := range p.ParameterDefinitions {
			if d.Name == name {
				return true
			}
		}
	}
	return false
}

// job reads the job's last ScanBuilds builds, newest first, and its
// parameter definitions.
func (b *Builder) job(ctx context.Context, job string) (jobInfo, error) {
	var j jobInfo
	tree := fmt.Sprintf("builds[%s]{0,%d},property[parameterDefinitions[name]]", buildTree, b.cfg.ScanBuilds)
	if err := b.getJSON(ctx, jobPath(job)+"/api/json", url.Values{"tree": {tree}}, &j); err != nil {
		return jobInfo{}, err
	}
	j.Builds = j.Builds[:min(len(j.Builds), b.cfg.ScanBuilds)]
	return j, nil
}

// triggerTagged triggers the build. A failed trigger may still have
// reached Jenkins, so before trying again it looks for the tagged item.
func (b *Builder) triggerTagged(ctx context.Context, req core.BuildRequest) (string, error) {
	bo := b.backoff()
	for attempt := 0; ; attempt++ {
		queue, err := b.trigger(ctx, req)
		if err == nil {
			return Ref{Job: req.Job, Queue: queue, Release: req.ReleaseID}.String(), nil
		}
		err = fmt.Errorf("triggering %s for release %s: %w", req.Job, req.ReleaseID, err)
		if !b.retryable(ctx, err) || strings.Contains(err.Error(), "not parameterized") || attempt >= b.cfg.Retries {
			return "", err
		}
		b.log.Warn("jenkins: trigger failed; looking for the build before trying again", "job", req.Job, "err", err)
		if serr := sleep(ctx, bo.next()); serr != nil {
			return "", fmt.Errorf("%w (then: %w)", err, serr)
		}
		ref, found, ferr := b.findTagged(ctx, req.Job, req.ReleaseID, req.Options)
		if ferr != nil {
			return "", errors.Join(err, fmt.Errorf("looking for the build afterwards: %w", ferr))
		}
		if found {
			return ref.String(), nil
		}
	}
}

// trigger POSTs buildWithParameters once and returns the queue item id
// from Location: 201 is a new item, 303 an identical item already waiting
// that Jenkins merged the request into.
func (b *Builder) trigger(ctx context.Context, req core.BuildRequest) (int64, error) {
	form := url.Values{
		ParamApp: {req.App}, ParamBranch: {req.Branch}, ParamCommit: {req.Commit},
		ParamVersion: {strconv.Itoa(req.Version)}, ParamRequester: {req.Requester},
		ParamReleaseID: {strconv.FormatInt(int64(req.ReleaseID), 10)},
		"delay":        {"0sec"},
	}
	for _, o := range req.Options {
		form.Set(o.Name, o.Value)
	}
	endpoint := jobPath(req.Job) + "/buildWithParameters"
	r, err := b.post(ctx, endpoint, nil, form)
	if err != nil {
		return 0, err
	}
	if r.status != http.StatusCreated && r.status != http.StatusSeeOther {
		return 0, &HTTPError{Method: http.MethodPost, Endpoint: endpoint, Status: r.status,
			Message: "Jenkins refused to schedule the build (expected 201 or 303)"}
	}
	id, err := queueIDOf(r.header.Get("Location"))
	if err != nil {
		return 0, fmt.Errorf("jenkins POST %s: %w", endpoint, err)
	}
	b.log.Info("jenkins: build queued", "job", req.Job, "queue", id, "release", int64(req.ReleaseID),
		"merged", r.status == http.StatusSeeOther)
	return id, nil
}

// queueIDOf reads N from a Location like http://host/queue/item/N/.
func queueIDOf(location string) (int64, error) {
	u, err := url.Parse(location)
	if err != nil || !strings.Contains(u.Path, "/queue/item/") {
		return 0, fmt.Errorf("the Location %q is not a queue item", location)
	}
	id, err := strconv.ParseInt(path.Base(u.Path), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("the Location %q is not a queue item", location)
	}
	return id, nil
}
