package playground

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/dingops/dingops/core"
)

// historyLimit bounds the releases read back to restore the emulators.
const historyLimit = 1000

// seeder puts the demo's past into a fresh store, and what the store
// recorded back into the emulators, which start empty on every run.
type seeder struct {
	emu     *emulators
	engine  *core.Engine
	live    func(ctx context.Context, app string) (core.Release, error) // the store's live release
	commits repoCommits
}

// apps are the playground's apps, one per target kind.
func apps() []string { return []string{"web", "api", "mini", argoApp} }

// empty reports whether no app has any release yet.
func (s *seeder) empty(ctx context.Context) (bool, error) {
	for _, app := range apps() {
		rs, err := s.engine.History(ctx, app, 1)
		if err != nil {
			return false, err
		}
		if len(rs) > 0 {
			return false, nil
		}
	}
	return true, nil
}

// demo records v1, v2 and v3 of every app, as CI released them before
// dingops came, so `/rollback web v2` works at once. Their artifacts are
// put into the emulators first: recording asks the target about them.
func (s *seeder) demo(ctx context.Context) error {
	for i, commit := range s.commits {
		arts := map[string]core.Artifact{"web": s.emu.seedWeb(webHash(commit + "/demo"))}
		image := imageOf(commit)
		if _, err := s.emu.reg.Push(image); err != nil {
			return err
		}
		arts["api"] = core.Artifact{Kind: core.TargetContainer, Ref: image}
		version := fmt.Sprintf("1.%d.0", i)
		id, err := s.emu.dt.UploadMiniAppVersion(agentID, version)
		if err != nil {
			return err
		}
		arts["mini"] = core.Artifact{Kind: core.TargetMiniApp, Ref: strconv.FormatInt(id, 10), Display: version}
		if arts[argoApp], err = s.emu.catalogArtifact(commit); err != nil {
			return err
		}
		for _, app := range apps() {
			_, _, err := s.engine.Record(ctx, core.RecordRequest{Actor: core.Actor{StaffID: "ci", Origin: core.OriginAPI},
				App: app, Artifact: arts[app], Commit: commit, By: "alice", Key: fmt.Sprintf("playground-%s-v%d", app, i+1)})
			if err != nil {
				return fmt.Errorf("recording %s v%d: %w", app, i+1, err)
			}
		}
	}
	return nil
}

// restore makes the emulators hold every artifact the store recorded and
// run what the store says is live (the cluster runs already: cluster).
func (s *seeder) restore(ctx context.Context) error {
	for _, app := range []string{"web", "mini"} {
		rs, err := s.engine.History(ctx, app, historyLimit)
		if err != nil {
			return err
		}
		if app == "web" {
			s.restoreWeb(rs)
		} else if err := s.restoreMini(rs); err != nil {
			return err
		}
	}
	return s.goLive(ctx)
}

func (s *seeder) restoreWeb(rs []core.Release) {
	for _, r := range rs {
		if h := hashOf(r.Artifact.Ref); h != "" {
			if _, ok := s.emu.oss.Object(bucket, r.Artifact.Ref); !ok {
				s.emu.seedWeb(h)
			}
		}
	}
}

// restoreMini uploads the recorded versions again in id order. The
// emulator numbers uploads the same way every run, so the ids come out the
// same; an upload that was never recorded (rare: the store keeps every
// build's artifact) is re-made, under the next version's name, to keep the
// ids in step.
func (s *seeder) restoreMini(rs []core.Release) error {
	want := map[int64]string{}
	for _, r := range rs {
		if id, err := strconv.ParseInt(r.Artifact.Ref, 10, 64); err == nil {
			want[id] = r.Artifact.Display
		}
	}
	have, _ := s.emu.dt.MiniAppVersions(agentID)
	var last int64
	for _, v := range have {
		last = max(last, v.ID)
	}
	for _, id := range slices.Sorted(maps.Keys(want)) {
		for id > last {
			version := want[id]
			next, err := s.emu.dt.UploadMiniAppVersion(agentID, version)
			if err != nil {
				return err
			}
			if next > id {
				return fmt.Errorf("restoring mini-program version %d (%s): the emulator numbered it %d", id, version, next)
			}
			last = next
		}
	}
	return nil
}

// cluster pushes every recorded image (and the demo's) and starts the
// cluster and Argo CD running the live ones, the demo's v3 in a new store.
// It runs before the demo is recorded: recording checks catalog's
// artifacts with Argo CD.
func (s *seeder) cluster(ctx context.Context) error {
	last := s.commits[len(s.commits)-1]
	for _, c := range s.commits {
		if _, err := s.emu.reg.Push(imageOf(c)); err != nil {
			return err
		}
	}
	catalog, err := s.emu.catalogArtifact(last)
	if err != nil {
		return err
	}
	image, err := s.liveImage(ctx, "api", imageOf(last))
	if err != nil {
		return err
	}
	catalogImage, err := s.liveImage(ctx, argoApp, catalog.Ref)
	if err != nil {
		return err
	}
	return s.emu.startCluster(ctx, image, catalogImage)
}

// liveImage pushes every image app recorded and returns the live one, or
// otherwise.
func (s *seeder) liveImage(ctx context.Context, app, otherwise string) (string, error) {
	rs, err := s.engine.History(ctx, app, historyLimit)
	if err != nil {
		return "", err
	}
	for _, r := range rs {
		if _, err := s.emu.reg.Push(r.Artifact.Ref); err != nil {
			return "", err
		}
	}
	live, err := s.live(ctx, app)
	if errors.Is(err, core.ErrNotFound) {
		return otherwise, nil
	}
	return live.Artifact.Ref, err
}

// goLive makes web's fixed manifest and the mini program's online version
// what the store says is live, as the last deploy left them.
func (s *seeder) goLive(ctx context.Context) error {
	web, err := s.live(ctx, "web")
	if err == nil {
		if o, ok := s.emu.oss.Object(bucket, web.Artifact.Ref); ok {
			s.emu.oss.Seed(bucket, fixedKey, o.Body, http.Header{"Content-Type": {"application/json"},
				"Cache-Control": {"no-cache"}, "X-Oss-Meta-Dingops-Source": {web.Artifact.Ref},
				"X-Oss-Meta-Dingops-Release": {strconv.FormatInt(int64(web.ID), 10)}})
		}
	} else if !errors.Is(err, core.ErrNotFound) {
		return err
	}
	mini, err := s.live(ctx, "mini")
	if errors.Is(err, core.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(mini.Artifact.Ref, 10, 64)
	if err != nil {
		return fmt.Errorf("mini's live artifact %q is not a version id", mini.Artifact.Ref)
	}
	return s.emu.dt.SetOnlineMiniAppVersion(agentID, id)
}
