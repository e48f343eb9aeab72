package playground

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/jenkins"
	"github.com/dingops/dingops/bot/announce"
)

// WebState is web's fixed manifest key in the OSS emulator and the files
// the page loading it would fetch.
type WebState struct {
	FixedKey     string  `json:"fixedKey"`
	Exists       bool    `json:"exists"`
	Source       string  `json:"source,omitempty"`  // the hashed manifest it was copied from (x-oss-meta-dingops-source)
	Release      string  `json:"release,omitempty"` // the release that copied it (x-oss-meta-dingops-release)
	ETag         string  `json:"etag,omitempty"`
	CacheControl string  `json:"cacheControl,omitempty"`
	Manifest     string  `json:"manifest,omitempty"`
	Loads        []Asset `json:"loads"`
}

// Asset is one file the manifest names.
type Asset struct {
	Key    string `json:"key"`
	Exists bool   `json:"exists"`
}

// APIState is the api Deployment in the simulated cluster.
type APIState struct {
	Deployment string     `json:"deployment"`
	Image      string     `json:"image"`
	Rollout    string     `json:"rollout"` // what `kubectl rollout status` would print
	Done       bool       `json:"done"`
	Pods       string     `json:"pods"`
	History    []Revision `json:"history"`
}

// Revision is one ReplicaSet of the Deployment, newest first.
type Revision struct {
	Revision int64  `json:"revision"`
	Image    string `json:"image"`
	Cause    string `json:"cause,omitempty"`
	Current  bool   `json:"current"`
}

// MiniState is the mini program's versions in the DingTalk emulator.
type MiniState struct {
	Online   *MiniVersion  `json:"online,omitempty"`
	Versions []MiniVersion `json:"versions"`
}

// MiniVersion is one uploaded version.
type MiniVersion struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Online  bool   `json:"online"`
}

// Build is one Jenkins build, newest first.
type Build struct {
	Job      string    `json:"job"`
	Number   int       `json:"number"`
	Branch   string    `json:"branch"`
	Release  string    `json:"release"`
	Building bool      `json:"building"`
	Result   string    `json:"result,omitempty"`
	Started  time.Time `json:"started"`
	Last     string    `json:"last,omitempty"` // the console's last line
}

// Announcement is one configured post, with when it is next due.
type Announcement struct {
	Index int        `json:"index"` // announce.Service.Fire's argument
	Kind  string     `json:"kind"`
	Apps  []string   `json:"apps"`
	Next  *time.Time `json:"next,omitempty"`
}

// maxBuilds is how many builds the side panel lists.
const maxBuilds = 6

func (e *emulators) web() WebState {
	w := WebState{FixedKey: fixedKey, Loads: []Asset{}}
	o, ok := e.oss.Object(bucket, fixedKey)
	if !ok {
		return w
	}
	w.Exists, w.Manifest, w.ETag = true, string(o.Body), strings.Trim(o.ETag, `"`)
	w.Source, w.Release = o.Header.Get("X-Oss-Meta-Dingops-Source"), o.Header.Get("X-Oss-Meta-Dingops-Release")
	w.CacheControl = o.Header.Get("Cache-Control")
	var files map[string]string
	if json.Unmarshal(o.Body, &files) == nil {
		for _, name := range slices.Sorted(maps.Keys(files)) {
			key := "web/" + files[name]
			_, exists := e.oss.Object(bucket, key)
			w.Loads = append(w.Loads, Asset{Key: key, Exists: exists})
		}
	}
	return w
}

func (e *emulators) api() APIState {
	a := APIState{Deployment: namespace + "/" + deployment, History: []Revision{}}
	if e.sim == nil {
		return a
	}
	v, ok := e.sim.Deployment(namespace, deployment)
	if !ok {
		a.Rollout = "deployment not found"
		return a
	}
	if len(v.Containers) > 0 {
		a.Image = v.Containers[0].Image
	}
	a.Rollout, a.Pods = v.Rollout, v.Pods
	a.Done = strings.Contains(v.Rollout, "successfully rolled out")
	for i, r := range v.History {
		if i == 4 {
			break
		}
		rev := Revision{Revision: r.Revision, Cause: r.ChangeCause, Current: r.Current}
		if len(r.Containers) > 0 {
			rev.Image = r.Containers[0].Image
		}
		a.History = append(a.History, rev)
	}
	return a
}

func (e *emulators) mini() MiniState {
	versions, online := e.dt.MiniAppVersions(agentID)
	m := MiniState{Versions: []MiniVersion{}}
	for i := len(versions) - 1; i >= 0; i-- { // newest first
		v := versions[i]
		mv := MiniVersion{ID: strconv.FormatInt(v.ID, 10), Version: v.Version, Online: v.ID == online}
		if mv.Online || v.Type == dingtalk.VersionOnline {
			m.Online = &mv
		}
		m.Versions = append(m.Versions, mv)
	}
	return m
}

func (e *emulators) builds() []Build {
	out := []Build{}
	for _, job := range jobs() {
		for _, b := range e.jenkins.Builds(job) {
			lines := strings.Split(strings.TrimSpace(e.jenkins.Console(job, b.Number)), "\n")
			out = append(out, Build{Job: job, Number: b.Number, Branch: b.Param(jenkins.ParamBranch),
				Release: b.Param(jenkins.ParamReleaseID), Building: b.Building, Result: b.Result, Started: b.Started,
				Last: lines[len(lines)-1]})
		}
	}
	slices.SortFunc(out, func(a, b Build) int { return cmp.Compare(b.Started.UnixNano(), a.Started.UnixNano()) })
	if len(out) > maxBuilds {
		out = out[:maxBuilds]
	}
	return out
}

// announcements lists the configured posts with their next fire within a
// week (a digest's may be further).
func announcements(ann *announce.Service, now time.Time) []Announcement {
	if ann == nil {
		return []Announcement{}
	}
	next := map[int]time.Time{}
	for _, s := range ann.Upcoming(now, now.Add(8*24*time.Hour)) {
		if _, ok := next[s.Post]; !ok {
			next[s.Post] = s.At
		}
	}
	out := []Announcement{}
	for i, p := range ann.Posts() {
		a := Announcement{Index: i, Kind: string(p.Kind), Apps: p.Apps}
		if t, ok := next[i]; ok {
			a.Next = &t
		}
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// fireAt is when "send now" sends post i as scheduled: its next fire (so
// a window post says what that window will be), or now for a post not due
// within the week.
func fireAt(ann *announce.Service, i int, now time.Time) (time.Time, error) {
	if i < 0 || i >= len(ann.Posts()) {
		return time.Time{}, fmt.Errorf("no announcement %d", i)
	}
	for _, s := range ann.Upcoming(now, now.Add(8*24*time.Hour)) {
		if s.Post == i {
			return s.At, nil
		}
	}
	return now, nil
}
