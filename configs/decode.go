package configs

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dingops/dingops/core/levenshtein"
)

// decoder walks a YAML node tree into Go values by the `yaml` tags of the
// target types, collecting every problem with its path and line instead of
// stopping at the first, and refusing keys the schema does not know.
type decoder struct {
	errs  *Problems
	lines map[string]int // path → line, for problems found after decoding
	depth int            // nesting, so a recursive alias cannot recurse forever
	nodes int            // work done, so aliases cannot blow up exponentially
}

// maxNodes bounds the nodes decoded, aliases expanded; a real configuration
// has a few thousand.
const maxNodes = 200000

// maxDepth bounds nesting; the schema is a few levels deep.
const maxDepth = 32

var unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

func (d *decoder) decode(n *yaml.Node, path string, v reflect.Value) {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || d.depth >= maxDepth {
		d.errs.add(path, 0, "is nested too deeply (or an alias refers to itself)")
		return
	}
	if d.nodes++; d.nodes == maxNodes {
		d.errs.add(path, n.Line, "the file expands to too much (aliases?): stopped reading here")
	}
	if d.nodes >= maxNodes {
		return
	}
	d.depth++
	defer func() { d.depth-- }()
	d.lines[path] = n.Line
	if n.Tag == "!!null" {
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(unmarshalerType) {
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.errs.add(path, n.Line, cleanYAMLError(err))
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, path, v.Elem())
	case reflect.Struct:
		d.decodeStruct(n, path, v)
	case reflect.Map:
		d.decodeMap(n, path, v)
	case reflect.Slice:
		d.decodeSlice(n, path, v)
	default:
		if n.Kind != yaml.ScalarNode {
			d.errs.add(path, n.Line, "must be a single value, not a "+kindName(n))
			return
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.errs.add(path, n.Line, cleanYAMLError(err))
		}
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, path string, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.errs.add(path, n.Line, "must be a mapping of keys to values, not a "+kindName(n))
		return
	}
	fields := structFields(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		if seen[k.Value] {
			d.errs.add(p, k.Line, "is given twice")
			continue
		}
		seen[k.Value] = true
		idx, ok := fields[k.Value]
		if !ok {
			d.errs.add(p, k.Line, "is not a known key"+suggest(k.Value, fields))
			continue
		}
		d.decode(val, p, v.Field(idx))
	}
}

func (d *decoder) decodeMap(n *yaml.Node, path string, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.errs.add(path, n.Line, "must be a mapping, not a "+kindName(n))
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		if v.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
			d.errs.add(p, k.Line, "is given twice")
			continue
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, p, elem)
		v.SetMapIndex(reflect.ValueOf(k.Value), elem)
	}
}

func (d *decoder) decodeSlice(n *yaml.Node, path string, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		d.errs.add(path, n.Line, "must be a list, not a "+kindName(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.decode(item, fmt.Sprintf("%s[%d]", path, i), s.Index(i))
	}
	v.Set(s)
}

func structFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = i
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	default:
		return "single value"
	}
}

func cleanYAMLError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n")
	if i := strings.Index(msg, ": "); strings.HasPrefix(strings.TrimSpace(msg), "line ") && i > 0 {
		msg = msg[i+2:]
	}
	return strings.TrimSpace(msg)
}

// suggest names the closest known key, for typos.
func suggest(key string, fields map[string]int) string {
	best, dist := "", 3
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if d := levenshtein.Distance(key, k); d < dist {
			best, dist = k, d
		}
	}
	if best == "" {
		return " (known: " + strings.Join(names, ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}
