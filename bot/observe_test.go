package bot

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type commandCounter struct{ seen []string }

func (c *commandCounter) CommandHandled(command, outcome string) {
	c.seen = append(c.seen, command+"/"+outcome)
}

func TestObserverCountsCommands(t *testing.T) {
	f := newFixture(t)
	obs := &commandCounter{}
	f.bot.cfg.Observer = obs
	for _, text := range []string{"/rollback web v2 broken", "/回滚 web", "/history", "/rollbak web", "hello", "/whoami"} {
		f.say("alice", text)
	}
	assert.Equal(t, []string{"rollback/ok", "rollback/refused", "history/refused", "unknown/refused", "unknown/refused",
		"whoami/ok"}, obs.seen)
}

// TestObserverCountsBreakageAsError: a command that fails on breakage (the
// store is gone) is counted with the documented "error" outcome, not as
// "refused", and its reply is the internal-error line.
func TestObserverCountsBreakageAsError(t *testing.T) {
	f := newFixture(t)
	obs := &commandCounter{}
	f.bot.cfg.Observer = obs
	f.say("alice", "/history web")
	assert.NoError(t, f.db.Close())
	resp := f.say("alice", "/history web")
	assert.True(t, resp.Broken, resp.Text)
	assert.Equal(t, []string{"history/ok", "history/error"}, obs.seen)
}
