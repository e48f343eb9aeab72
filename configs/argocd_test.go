package configs

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArgoCDValidation(t *testing.T) {
	good := func() *ArgoCD {
		return &ArgoCD{Server: "https://argocd.example.com", TokenEnv: "DINGOPS_ARGOCD_TOKEN", Application: "shop-api",
			Project: "shop", Image: ArgoCDImage{Repository: "registry.example.com/shop/api"}}
	}
	tests := []struct {
		name  string
		tweak func(*ArgoCD)
		want  []string // problem lines; none: valid
	}{
		{"defaults", func(*ArgoCD) {}, nil},
		{"helm", func(a *ArgoCD) { a.Image.HelmParameter, a.Image.SourcePosition = "image.tag", 2 }, nil},
		{"no server", func(a *ArgoCD) { a.Server = "argocd:443" }, []string{`t.server: must be an http(s) URL, got "argocd:443"`}},
		{"no token", func(a *ArgoCD) { a.TokenEnv = "" }, []string{"t.token_env: is required"}},
		{"bad names", func(a *ArgoCD) { a.Application, a.Project = "Shop API", "" },
			[]string{`t.application: must be an Argo CD name`, `t.project: must be an Argo CD name`}},
		{"no repository", func(a *ArgoCD) { a.Image.Repository = "" }, []string{"t.image.repository: is required"}},
		{"both ways", func(a *ArgoCD) { a.Image.HelmParameter, a.Image.KustomizeName = "image.tag", "api" },
			[]string{"t.image: set kustomize_name or helm_parameter, not both"}},
		{"helm value alone", func(a *ArgoCD) { a.Image.HelmValue = "tag" }, []string{"t.image.helm_value: needs helm_parameter"}},
		{"bad helm value", func(a *ArgoCD) { a.Image.HelmParameter, a.Image.HelmValue = "image.tag", "sha" },
			[]string{`t.image.helm_value: must be one of tag, digest, reference, got "sha"`}},
		{"negative position", func(a *ArgoCD) { a.Image.SourcePosition = -1 }, []string{"t.image.source_position: counts sources from 1"}},
		{"poll past timeout", func(a *ArgoCD) { a.Timeout, a.PollInterval = Duration(time.Second), Duration(time.Minute) },
			[]string{"t.poll_interval: must be at least 100ms and shorter than timeout (1s), got 1m0s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := good()
			tt.tweak(a)
			probs := &Problems{}
			v := &validator{cfg: &Config{}, probs: probs, getenv: func(string) string { return "tok" }}
			a.validate(v, "t")
			require.Len(t, probs.List, len(tt.want), "%v", probs.List)
			for i, w := range tt.want {
				assert.Contains(t, probs.List[i].Path+": "+probs.List[i].Message, w)
			}
			if len(tt.want) == 0 {
				assert.Equal(t, "tok", a.Token.Value())
				assert.Equal(t, 10*time.Minute, a.Timeout.Std())
			}
		})
	}
}
