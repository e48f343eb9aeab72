package argocdemu

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/dingops/dingops/adapters/container/kubernetes/imageref"
)

// AddApp creates an Application; its Deployment must exist in the simulator.
func (e *Emulator) AddApp(s AppSeed) error {
	s, err := e.seedDefaults(s)
	if err != nil {
		return fmt.Errorf("adding application %q: %w", s.Name, err)
	}
	a := &app{seed: s, obj: Application{APIVersion: "argoproj.io/v1alpha1", Kind: "Application",
		Metadata: ObjectMeta{Name: s.Name, Namespace: s.Namespace, Generation: 1},
		Spec: ApplicationSpec{Project: s.Project, Destination: Destination{Server: "https://kubernetes.default.svc",
			Namespace: s.Dest}}}}
	if s.Multi {
		a.obj.Spec.Sources = clone(s.Sources)
	} else {
		src := clone(s.Sources)[0]
		a.obj.Spec.Source = &src
	}
	if s.AutoSync || len(s.SyncOptions) > 0 {
		a.obj.Spec.SyncPolicy = &SyncPolicy{SyncOptions: s.SyncOptions}
		if s.AutoSync {
			heal := s.SelfHeal
			a.obj.Spec.SyncPolicy.Automated = &Automated{SelfHeal: &heal}
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.version++
	a.obj.Metadata.ResourceVersion = strconv.FormatInt(e.version, 10)
	e.apps[s.Namespace+"/"+s.Name] = a
	e.refresh(a)
	return nil
}

func (e *Emulator) seedDefaults(s AppSeed) (AppSeed, error) {
	if s.Name == "" || s.Project == "" || len(s.Sources) == 0 {
		return s, fmt.Errorf("name, project and a source are required")
	}
	if s.Namespace == "" {
		s.Namespace = e.opts.Namespace
	}
	if s.ImageSource == 0 {
		s.ImageSource = 1
	}
	if s.ImageSource > len(s.Sources) {
		return s, fmt.Errorf("image source %d of %d", s.ImageSource, len(s.Sources))
	}
	if _, err := imageref.Parse(s.Image); err != nil {
		return s, err
	}
	if _, ok := e.opts.Sim.Deployment(s.Dest, s.Deployment); !ok {
		return s, fmt.Errorf("no deployment %s/%s in the simulator", s.Dest, s.Deployment)
	}
	return s, nil
}

// App is a copy of an Application as the API would serve it.
func (e *Emulator) App(namespace, name string) (Application, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if namespace == "" {
		namespace = e.opts.Namespace
	}
	a, ok := e.apps[namespace+"/"+name]
	if !ok {
		return Application{}, false
	}
	return deepCopy(a.obj), true
}

// StartOperation requests a sync of the application's current spec as
// someone else would (another user, or a webhook), for tests of a sync
// that meets a running operation.
func (e *Emulator) StartOperation(namespace, name, user string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if namespace == "" {
		namespace = e.opts.Namespace
	}
	a, ok := e.apps[namespace+"/"+name]
	if !ok {
		return fmt.Errorf("no application %s/%s", namespace, name)
	}
	if a.obj.Operation != nil {
		return errAnotherOperation
	}
	a.obj.Operation = e.syncOperation(a, user, false, nil)
	a.obj.Status.OperationState = nil
	return nil
}

// syncOperation is the operation a sync request sets: the sources as they
// stand, the app's own sync options unless the request names some.
func (e *Emulator) syncOperation(a *app, user string, auto bool, opts []string) *Operation {
	op := &SyncOperation{Revision: revision(a.obj.Spec), Sources: clone(a.obj.Spec.Sources)}
	if a.obj.Spec.Source != nil {
		src := clone([]Source{*a.obj.Spec.Source})[0]
		op.Source = &src
	}
	if a.obj.Spec.SyncPolicy != nil {
		op.SyncOptions = a.obj.Spec.SyncPolicy.SyncOptions
	}
	if opts != nil {
		op.SyncOptions = opts
	}
	return &Operation{Sync: op, InitiatedBy: OperationInitiator{Username: user, Automated: auto}}
}

// revision is the commit the sources resolve to: stable per source set,
// as a fixed branch head would be.
func revision(spec ApplicationSpec) string {
	h := sha1.New()
	srcs := spec.Sources
	if spec.Source != nil {
		srcs = []Source{*spec.Source}
	}
	for _, s := range srcs {
		h.Write([]byte(s.RepoURL + "@" + s.TargetRevision + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// render is the image the manifests of the given sources produce.
func (a *app) render(single *Source, multi []Source) (string, error) {
	src := single
	if single == nil {
		if a.seed.ImageSource > len(multi) {
			return "", fmt.Errorf("source %d is gone", a.seed.ImageSource)
		}
		src = &multi[a.seed.ImageSource-1]
	}
	base, _ := imageref.Parse(a.seed.Image)
	out := base
	if src.Kustomize != nil {
		for _, entry := range src.Kustomize.Images {
			name, val, ok := strings.Cut(entry, "=")
			if !ok {
				name, val = nameOf(entry), entry
			}
			if name != base.Domain+"/"+base.Path && name != base.Path {
				continue
			}
			r, err := imageref.Parse(val)
			if err != nil {
				return "", fmt.Errorf("kustomize image %q: %w", entry, err)
			}
			if r.Tag == "" && r.Digest == "" {
				r.Tag = base.Tag
			}
			out = r
		}
	}
	if src.Helm != nil {
		return a.renderHelm(src.Helm, out)
	}
	return out.String(), nil
}

func (a *app) renderHelm(h *Helm, out imageref.Ref) (string, error) {
	for _, p := range h.Parameters {
		switch p.Name {
		case "":
		case a.seed.HelmReference:
			r, err := imageref.Parse(p.Value)
			if err != nil {
				return "", fmt.Errorf("helm parameter %s=%q: %w", p.Name, p.Value, err)
			}
			out = r
		case a.seed.HelmRepository:
			r, err := imageref.Parse(p.Value)
			if err != nil {
				return "", fmt.Errorf("helm parameter %s=%q: %w", p.Name, p.Value, err)
			}
			out.Domain, out.Path = r.Domain, r.Path
		case a.seed.HelmTag:
			if strings.HasPrefix(p.Value, "sha256:") {
				out.Tag, out.Digest = "", p.Value
			} else {
				out.Tag, out.Digest = p.Value, ""
			}
		}
	}
	return out.String(), nil
}

func nameOf(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	return ref
}

func clone[T any](v T) T {
	var out T
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &out)
	return out
}

func deepCopy(a Application) Application { return clone(a) }
