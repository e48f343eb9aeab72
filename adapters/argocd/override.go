package argocd

import (
	"fmt"
	"strings"

	"github.com/dingops/dingops/adapters/container/kubernetes/imageref"
)

// Image says where in the Application's spec the deployer writes the image.
type Image struct {
	// Repository is the image whose reference changes
	// ("reg.example/team/web"); Live reports the image of this repository.
	Repository string
	// SourcePosition picks spec.sources[SourcePosition-1] of a
	// multi-source application; 0 means spec.source.
	SourcePosition int
	// KustomizeName is the image name the kustomization uses (default
	// Repository): spec.source.kustomize.images gets "<name>=<reference>",
	// kustomize's `edit set image` form, which Argo CD passes on
	// (util/kustomize/kustomize.go in argoproj/argo-cd).
	KustomizeName string
	// HelmParameter, when set, writes a Helm parameter instead
	// (spec.source.helm.parameters, e.g. "image.tag").
	HelmParameter string
	// HelmValue is what the parameter holds: "tag" (default), "digest" or
	// "reference" (the whole image reference).
	HelmValue string
}

func (im Image) helm() bool { return im.HelmParameter != "" }

func (im Image) kustomizeName() string {
	if im.KustomizeName != "" {
		return im.KustomizeName
	}
	return im.Repository
}

// field names the override for people: "kustomize image reg/web" or
// "helm parameter image.tag".
func (im Image) field() string {
	if im.helm() {
		return "helm parameter " + im.HelmParameter
	}
	return "kustomize image " + im.kustomizeName()
}

// value is what the override holds for ref.
func (im Image) value(ref imageref.Ref) (string, error) {
	if !im.helm() {
		return im.kustomizeName() + "=" + ref.String(), nil
	}
	switch im.HelmValue {
	case "reference":
		return ref.String(), nil
	case "digest":
		if ref.Digest == "" {
			return "", fmt.Errorf("%s holds a digest, and %s has none", im.field(), ref)
		}
		return ref.Digest, nil
	default:
		if ref.Tag == "" {
			return "", fmt.Errorf("%s holds a tag, and %s has none (set helm_value: digest or reference)", im.field(), ref)
		}
		return ref.Tag, nil
	}
}

// rendered is the image Argo CD reports once the override is live.
func (im Image) rendered(ref imageref.Ref) string {
	switch {
	case !im.helm() || im.HelmValue == "reference":
		return ref.String()
	case im.HelmValue == "digest":
		return im.Repository + "@" + ref.Digest
	}
	return im.Repository + ":" + ref.Tag
}

// override is the override's state in one source: its value, if present,
// and where it sits in its list.
type override struct {
	value   string
	present bool
	index   int
}

// current reads the override from src.
func (im Image) current(src *source) override {
	if im.helm() {
		if src.Helm != nil {
			for i, p := range src.Helm.Parameters {
				if p.Name == im.HelmParameter {
					return override{p.Value, true, i}
				}
			}
		}
		return override{index: -1}
	}
	if src.Kustomize != nil {
		for i, e := range src.Kustomize.Images {
			if kustomizeImageName(e) == im.kustomizeName() {
				return override{e, true, i}
			}
		}
	}
	return override{index: -1}
}

// kustomizeImageName is the name an images entry matches: before "=", or
// the reference without its tag and digest.
func kustomizeImageName(e string) string {
	if name, _, ok := strings.Cut(e, "="); ok {
		return name
	}
	e, _, _ = strings.Cut(e, "@")
	if i := strings.LastIndex(e, ":"); i > strings.LastIndex(e, "/") {
		e = e[:i]
	}
	return e
}

// op is one RFC 6902 JSON patch operation; Argo CD's Patch takes
// patchType "json" (server/application/application.go Patch).
type op struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// patch moves the override from cur to want (want.present false removes
// it). Every change tests the old value first, so a concurrent edit makes
// Argo CD refuse the patch instead of being overwritten.
func (im Image) patch(pos int, src *source, cur, want override) []op {
	base := "/spec/source"
	if pos > 0 {
		base = fmt.Sprintf("/spec/sources/%d", pos-1)
	}
	list, section := base+"/kustomize/images", base+"/kustomize"
	var entry any = want.value
	var old any = cur.value
	if im.helm() {
		list, section = base+"/helm/parameters", base+"/helm"
		p := helmParameter{Name: im.HelmParameter}
		if cur.present {
			p = src.Helm.Parameters[cur.index] // keeps forceString as it was
		}
		old = p
		p.Value = want.value
		entry = p
	}
	item := fmt.Sprintf("%s/%d", list, cur.index)
	switch {
	case cur.present && !want.present:
		return []op{{"test", item, old}, {"remove", item, nil}}
	case cur.present:
		return []op{{"test", item, old}, {"replace", item, entry}}
	case !want.present:
		return nil
	case im.helm() && src.Helm == nil, !im.helm() && src.Kustomize == nil:
		key := "images"
		if im.helm() {
			key = "parameters"
		}
		return []op{{"add", section, map[string]any{key: []any{entry}}}}
	case im.helm() && src.Helm.Parameters == nil, !im.helm() && src.Kustomize.Images == nil:
		return []op{{"add", list, []any{entry}}}
	}
	return []op{{"add", list + "/-", entry}}
}
