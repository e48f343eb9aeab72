package system

import (
	"log/slog"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dingops/dingops/configs"
)

// TestEveryTargetSectionIsBuilt: each section of configs.Target (the
// configuration's registry of target kinds) has a case in deployer, so a
// kind added to the configuration without its adapter fails here, not in
// production with "not available in this build".
func TestEveryTargetSectionIsBuilt(t *testing.T) {
	rt := reflect.TypeFor[configs.Target]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		kind := f.Tag.Get("kind")
		if kind == "" {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			var target configs.Target
			target.Kind = kind
			reflect.ValueOf(&target).Elem().Field(i).Set(reflect.New(f.Type.Elem()))
			defer func() { _ = recover() }() // a zero section may not build; it must only be known
			_, err := deployer(nil, Tuning{}, "app", target, slog.New(slog.DiscardHandler))
			if err != nil {
				assert.NotContains(t, err.Error(), "not available in this build")
			}
		})
	}
}
