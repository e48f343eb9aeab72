package configs

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// TargetSection is one kind's section of `target:` (Script, Kubernetes,
// OSS, MiniApp): it validates itself, fills its defaults, summarises
// itself for `config check` and lists the secrets it holds so the log
// redacts them. Only this package implements it.
type TargetSection interface {
	Summary() string
	Secrets() []Secret
	validate(v *validator, path string)
}

// section is one field of Target: a section key and the kind it
// configures.
type section struct {
	key, kind string
	value     TargetSection // nil when the section is absent
}

// sections lists Target's section fields, in declaration order, from
// their yaml and kind tags.
func (t *Target) sections() []section {
	rv := reflect.ValueOf(t).Elem()
	var out []section
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		kind := f.Tag.Get("kind")
		if kind == "" {
			continue
		}
		s := section{key: f.Tag.Get("yaml"), kind: kind}
		if fv := rv.Field(i); !fv.IsNil() {
			s.value = fv.Interface().(TargetSection)
		}
		out = append(out, s)
	}
	return out
}

// TargetKinds lists the target kinds a configuration may name, in
// declaration order.
func TargetKinds() []string {
	var out []string
	for _, s := range (&Target{}).sections() {
		if !slices.Contains(out, s.kind) {
			out = append(out, s.kind)
		}
	}
	return out
}

// Section is the target's one section, as validation found it; nil when
// none is set.
func (t Target) Section() TargetSection {
	for _, s := range t.sections() {
		if s.value != nil {
			return s.value
		}
	}
	return nil
}

// Summary is the one line `config check` prints for the target.
func (t Target) Summary() string {
	if s := t.Section(); s != nil {
		return s.Summary()
	}
	return t.Kind
}

// ArtifactKind is the kind of artifact the target deploys: the kind
// itself, or the one its section names (argocd deploys container images).
func (t Target) ArtifactKind() string {
	if s, ok := t.Section().(interface{ ArtifactKind() string }); ok {
		return s.ArtifactKind()
	}
	return t.Kind
}

// Secrets lists the secret values the target's section holds.
func (t Target) Secrets() []Secret {
	if s := t.Section(); s != nil {
		return s.Secrets()
	}
	return nil
}

// target checks the kind names a known kind, exactly one section is set
// and it belongs to that kind, then validates every section present.
func (v *validator) target(p string, t *Target) {
	kinds := TargetKinds()
	var own, set []section
	for _, s := range t.sections() {
		if s.kind == t.Kind {
			own = append(own, s)
		}
		if s.value != nil {
			set = append(set, s)
		}
	}
	switch {
	case !slices.Contains(kinds, t.Kind):
		v.bad(p+".kind", "must be one of %s, got %q", strings.Join(kinds, ", "), t.Kind)
	case len(set) != 1 || set[0].kind != t.Kind:
		v.bad(p, "%s", needs(t.Kind, own))
	}
	for _, s := range set {
		s.value.validate(v, p+"."+s.key)
	}
}

// needs says which section a kind needs: "an oss target needs an oss:
// section and no other", "a container target needs exactly one of
// script: or kubernetes:".
func needs(kind string, own []section) string {
	if len(own) == 1 {
		return fmt.Sprintf("%s target needs %s: section and no other", an(kind), an(own[0].key))
	}
	keys := make([]string, len(own))
	for i, s := range own {
		keys[i] = s.key + ":"
	}
	return fmt.Sprintf("%s target needs exactly one of %s", an(kind), strings.Join(keys, " or "))
}

// an puts the indefinite article before a word.
func an(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}
