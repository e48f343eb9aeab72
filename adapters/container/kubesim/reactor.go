package kubesim

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/apimachinery/pkg/util/validation/field"
	clienttesting "k8s.io/client-go/testing"
)

// Kubernetes defaults the API server fills in (apps/v1 defaults.go).
const (
	defaultProgressDeadline     = 600
	defaultRevisionHistoryLimit = 10
)

// react is the API server's part of every Deployment write: defaults,
// validation, a generation bumped on spec changes, status kept out of spec
// writes (and spec out of status writes). Server-side apply and other
// subresources fall through to the fake's default handling.
func (s *Sim) react(action clienttesting.Action) (bool, runtime.Object, error) {
	ns, sub := action.GetNamespace(), action.GetSubresource()
	if sub != "" && sub != "status" {
		return false, nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var (
		obj runtime.Object
		err error
	)
	switch a := action.(type) {
	case clienttesting.CreateActionImpl:
		if sub != "" {
			return false, nil, nil
		}
		obj, err = s.reactCreate(ns, a)
	case clienttesting.UpdateActionImpl:
		obj, err = s.reactUpdate(ns, sub, a)
	case clienttesting.PatchActionImpl:
		if a.GetPatchType() == types.ApplyPatchType {
			return false, nil, nil
		}
		obj, err = s.reactPatch(ns, sub, a)
	default:
		return false, nil, nil
	}
	if err == nil && sub == "" && len(s.landFault) > 0 {
		err, s.landFault = s.landFault[0], s.landFault[1:]
		return true, nil, err
	}
	return true, obj, err
}

// takeWriteFault pops an injected error; s.mu is held.
func (s *Sim) takeWriteFault() error {
	if len(s.patchFault) == 0 {
		return nil
	}
	err := s.patchFault[0]
	s.patchFault = s.patchFault[1:]
	return err
}

func (s *Sim) reactCreate(ns string, a clienttesting.CreateActionImpl) (runtime.Object, error) {
	if err := s.takeWriteFault(); err != nil {
		return nil, err
	}
	in, ok := a.GetObject().(*appsv1.Deployment)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a Deployment: %T", a.GetObject()))
	}
	d := in.DeepCopy()
	d.Namespace = ns
	setDefaults(d)
	if err := validate(d); err != nil {
		return nil, err
	}
	d.Generation, d.UID, d.CreationTimestamp = 1, uuid.NewUUID(), metav1.NewTime(s.clock.Now())
	d.Status = appsv1.DeploymentStatus{}
	if err := s.tracker.Create(deploymentsGVR, d, ns, a.CreateOptions); err != nil {
		return nil, err
	}
	return s.tracker.Get(deploymentsGVR, ns, d.Name)
}

func (s *Sim) reactUpdate(ns, sub string, a clienttesting.UpdateActionImpl) (runtime.Object, error) {
	if err := s.takeWriteFault(); err != nil {
		return nil, err
	}
	in, ok := a.GetObject().(*appsv1.Deployment)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a Deployment: %T", a.GetObject()))
	}
	old, err := s.getDeployment(ns, in.Name)
	if err != nil {
		return nil, err
	}
	out := merged(old, in, sub)
	if err := validate(out); err != nil {
		return nil, err
	}
	if err := s.tracker.Update(deploymentsGVR, out, ns, a.UpdateOptions); err != nil {
		return nil, err
	}
	return s.tracker.Get(deploymentsGVR, ns, out.Name)
}

func (s *Sim) reactPatch(ns, sub string, a clienttesting.PatchActionImpl) (runtime.Object, error) {
	if err := s.takeWriteFault(); err != nil {
		return nil, err
	}
	old, err := s.getDeployment(ns, a.GetName())
	if err != nil {
		return nil, err
	}
	in, err := applyPatch(old, a.GetPatchType(), a.GetPatch())
	if err != nil {
		return nil, err
	}
	out := merged(old, in, sub)
	if err := validate(out); err != nil {
		return nil, err
	}
	if err := s.tracker.Patch(deploymentsGVR, out, ns, a.PatchOptions); err != nil {
		return nil, err
	}
	return s.tracker.Get(deploymentsGVR, ns, out.Name)
}

// applyPatch applies a JSON, merge or strategic-merge patch the way the API
// server does (containers merge by name under a strategic-merge patch).
func applyPatch(old *appsv1.Deployment, pt types.PatchType, patch []byte) (*appsv1.Deployment, error) {
	orig, err := json.Marshal(old)
	if err != nil {
		return nil, err
	}
	var out []byte
	switch pt {
	case types.StrategicMergePatchType:
		out, err = strategicpatch.StrategicMergePatch(orig, patch, &appsv1.Deployment{})
	case types.MergePatchType:
		out, err = jsonpatch.MergePatch(orig, patch)
	case types.JSONPatchType:
		var p jsonpatch.Patch
		if p, err = jsonpatch.DecodePatch(patch); err == nil {
			out, err = p.Apply(orig)
		}
	default:
		return nil, apierrors.NewBadRequest(fmt.Sprintf("patch type %q is not supported", pt))
	}
	if err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("applying %s patch: %v", pt, err))
	}
	d := &appsv1.Deployment{}
	if err := json.Unmarshal(out, d); err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("decoding patched object: %v", err))
	}
	return d, nil
}

// merged is what the API server stores for a write of in over old: a status
// write changes only status; a spec write keeps identity and status, and
// bumps generation when the spec changed.
func merged(old, in *appsv1.Deployment, sub string) *appsv1.Deployment {
	if sub == "status" {
		out := old.DeepCopy()
		in.Status.DeepCopyInto(&out.Status)
		return out
	}
	out := in.DeepCopy()
	old.Status.DeepCopyInto(&out.Status)
	out.Name, out.Namespace, out.UID = old.Name, old.Namespace, old.UID
	out.CreationTimestamp, out.Generation = old.CreationTimestamp, old.Generation
	setDefaults(out)
	if !apiequality.Semantic.DeepEqual(old.Spec, out.Spec) {
		out.Generation++
	}
	return out
}

func setDefaults(d *appsv1.Deployment) {
	spec := &d.Spec
	if spec.Replicas == nil {
		spec.Replicas = ptr(int32(1))
	}
	if spec.ProgressDeadlineSeconds == nil {
		spec.ProgressDeadlineSeconds = ptr(int32(defaultProgressDeadline))
	}
	if spec.RevisionHistoryLimit == nil {
		spec.RevisionHistoryLimit = ptr(int32(defaultRevisionHistoryLimit))
	}
	if spec.Strategy.Type == "" {
		spec.Strategy.Type = appsv1.RollingUpdateDeploymentStrategyType
	}
	if spec.Strategy.Type == appsv1.RollingUpdateDeploymentStrategyType && spec.Strategy.RollingUpdate == nil {
		q := intstr.FromString("25%")
		spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxUnavailable: &q, MaxSurge: &q}
	}
}

// validate refuses what the API server would refuse and the simulator
// relies on: a selector matching the template, named containers with images.
func validate(d *appsv1.Deployment) error {
	var errs field.ErrorList
	spec := field.NewPath("spec")
	if d.Name == "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "name"), "name is required"))
	}
	if *d.Spec.Replicas < 0 {
		errs = append(errs, field.Invalid(spec.Child("replicas"), *d.Spec.Replicas, "must be >= 0"))
	}
	if sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); d.Spec.Selector == nil || err != nil || sel.Empty() {
		errs = append(errs, field.Required(spec.Child("selector"), "a non-empty selector is required"))
	} else if !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
		errs = append(errs, field.Invalid(spec.Child("template", "metadata", "labels"), d.Spec.Template.Labels,
			"`selector` does not match template `labels`"))
	}
	errs = append(errs, validateContainers(d.Spec.Template.Spec.Containers, spec.Child("template", "spec", "containers"))...)
	if len(errs) > 0 {
		return apierrors.NewInvalid(deploymentGVK.GroupKind(), d.Name, errs)
	}
	return nil
}

func validateContainers(cs []corev1.Container, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(cs) == 0 {
		return append(errs, field.Required(path, "at least one container is required"))
	}
	seen := map[string]bool{}
	for i, c := range cs {
		switch {
		case c.Name == "":
			errs = append(errs, field.Required(path.Index(i).Child("name"), ""))
		case seen[c.Name]:
			errs = append(errs, field.Duplicate(path.Index(i).Child("name"), c.Name))
		}
		seen[c.Name] = true
		if c.Image == "" {
			errs = append(errs, field.Required(path.Index(i).Child("image"), ""))
		}
	}
	return errs
}

// create makes a seeded Deployment through the clientset, as a user would.
func (s *Sim) create(seed Seed) error {
	lbl := map[string]string{"app": seed.Name}
	own := maps.Clone(lbl)
	maps.Copy(own, seed.Labels)
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: seed.Name, Namespace: seed.Namespace, Labels: own,
			Annotations: maps.Clone(seed.Annotations)},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: maps.Clone(lbl)},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: maps.Clone(lbl)}},
		},
	}
	if seed.Replicas > 0 {
		d.Spec.Replicas = ptr(seed.Replicas)
	}
	if seed.ProgressDeadlineSeconds > 0 {
		d.Spec.ProgressDeadlineSeconds = ptr(seed.ProgressDeadlineSeconds)
	}
	for _, c := range seed.Containers {
		d.Spec.Template.Spec.Containers = append(d.Spec.Template.Spec.Containers, corev1.Container{Name: c.Name, Image: c.Image})
	}
	_, err := s.cs.AppsV1().Deployments(seed.Namespace).Create(context.Background(), d,
		metav1.CreateOptions{FieldManager: "kubesim-seed"})
	return err
}

func (s *Sim) getDeployment(ns, name string) (*appsv1.Deployment, error) {
	obj, err := s.tracker.Get(deploymentsGVR, ns, name)
	if err != nil {
		return nil, err
	}
	d, ok := obj.(*appsv1.Deployment)
	if !ok {
		return nil, fmt.Errorf("tracker holds %T for deployment %s/%s", obj, ns, name)
	}
	return d, nil
}

func ptr[T any](v T) *T { return &v }
