package dingtalk_test

import (
	"context"
	"testing"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithheldPermissionIsDecodedIntoItsScope(t *testing.T) {
	emu, c := setup(t)
	emu.Withhold(dingtalk.ScopeMicroAppList)
	_, err := c.MiniAppVersions(context.Background(), "9001")
	require.Error(t, err)
	assert.True(t, dingtalk.HasCode(err, dingtalk.CodePermissionDenied), err.Error())
	assert.Equal(t, []string{dingtalk.ScopeMicroAppList}, dingtalk.MissingScopes(err))
	emu.Grant(dingtalk.ScopeMicroAppList)
	_, err = c.MiniAppVersions(context.Background(), "9001")
	assert.Nil(t, dingtalk.MissingScopes(err))
}

func TestOpenStreamTicket(t *testing.T) {
	emu, c := setup(t)
	require.NoError(t, c.OpenStreamTicket(context.Background()))
	cfg := emu.ClientConfig()
	cfg.ClientSecret = "wrong"
	bad, err := dingtalk.New(cfg)
	require.NoError(t, err)
	err = bad.OpenStreamTicket(context.Background())
	assert.True(t, dingtalk.HasCode(err, dingtalk.CodeInvalidAuthentication), "%v", err)
}
