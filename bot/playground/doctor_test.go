package playground_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
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

// The page's doctor button: POST /playground/api/doctor answers the lines.
func TestPlaygroundDoctorAPI(t *testing.T) {
	r := start(t, "")
	res, err := http.Post(r.base+"/playground/api/doctor", "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var body struct {
		Lines  string `json:"lines"`
		Failed int    `json:"failed"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	assert.Equal(t, 0, body.Failed, body.Lines)
	assert.Contains(t, body.Lines, "— ready")
	page, err := http.Get(r.base + "/static/doctor.js")
	require.NoError(t, err)
	_ = page.Body.Close()
	assert.Equal(t, http.StatusOK, page.StatusCode)
}
