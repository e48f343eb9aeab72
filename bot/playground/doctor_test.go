package playground_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/doctor"
)

// The playground's configuration, against its running emulators, passes
// `dingops doctor` fully.
func TestPlaygroundPassesDoctor(t *testing.T) {
	r := start(t, "")
	rs, text := r.p.Doctor(context.Background())
	require.NotEmpty(t, rs)
	assert.Equal(t, 0, doctor.Failures(rs), text)
	assert.Equal(t, 0, doctor.Warnings(rs), text)
	for _, in := range []string{"dingtalk", "oss", "kubernetes", "jenkins", "git", "store", "calendar"} {
		assert.Contains(t, text, "✓ "+in+":", text)
	}
}
