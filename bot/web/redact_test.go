package web_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/redact"
)

// TestNoSecretInAnyResponse: a row holding a secret (one written before the
// engine redacted, say) shows masked on every page and API answer.
func TestNoSecretInAnyResponse(t *testing.T) {
	const canary = "canary-web-Sup3rSecret"
	f := newFixture(t, func(c *web.Config) { c.Redactor = redact.New(canary) })
	f.seed()
	_, err := f.eng.RequestRollback(f.ctx, core.RollbackRequest{Actor: core.Actor{StaffID: "alice", Origin: core.OriginText},
		App: "web", Version: 2, Reason: "token=" + canary})
	require.NoError(t, err)
	for _, path := range []string{"/", "/apps/web", "/audit", "/locks", "/windows", "/api/v1/apps/web/releases"} {
		code, body := f.get(path)
		require.Equal(t, http.StatusOK, code, path)
		assert.NotContains(t, body, canary, path)
		assert.NotContains(t, body, "Sup3rSecret", path)
	}
	_, body := f.get("/apps/web")
	assert.Contains(t, body, redact.Mask)
}
