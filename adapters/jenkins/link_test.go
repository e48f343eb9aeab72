package jenkins

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
)

// startLog is a Wait log that is also a core.BuildStartReporter.
type startLog struct {
	syncBuffer
	mu      sync.Mutex
	started []string
}

func (l *startLog) BuildStarted(ref string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.started = append(l.started, ref)
}

// TestBuildStartedAndLinked: once the queue item became a build, Wait
// reports the build's ref, and BuildLink names it as Jenkins does: its
// number and the page Jenkins itself reports as the build's url.
func TestBuildStartedAndLinked(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "team/web")
	ref, err := e.b.Start(ctx(t), request("team/web", 11))
	require.NoError(t, err)
	label, url := e.b.BuildLink(ref)
	assert.Empty(t, label, "a queue item has no build number yet: %s", ref)
	assert.Empty(t, url)

	log := &startLog{}
	res, err := e.b.Wait(ctx(t), ref, log)
	require.NoError(t, err)
	require.Equal(t, []string{"team/web#1?queue=1&release=11"}, log.started)
	label, url = e.b.BuildLink(log.started[0])
	assert.Equal(t, "#1", label)
	assert.Equal(t, res.URL, url, "the link is the build page Jenkins reports")
	assert.Equal(t, e.emu.URL()+"/job/team/job/web/1/", url)

	log2 := &startLog{}
	_, err = e.b.Wait(ctx(t), log.started[0], log2)
	require.NoError(t, err)
	assert.Empty(t, log2.started, "a ref that names the build is not reported again")

	for _, bad := range []string{"", "not a ref", "web?release=3"} {
		label, url := e.b.BuildLink(bad)
		assert.Empty(t, label+url, bad)
	}
}
