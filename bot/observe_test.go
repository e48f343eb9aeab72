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
