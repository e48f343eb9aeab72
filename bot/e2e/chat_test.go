package e2e

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
)

// cardEvent is one progress report and the card as a transport renders it
// for that report (the DingTalk transport updates the card in place).
type cardEvent struct {
	Replica string
	Step    core.Step
	Message string
	Release core.Release
	Card    *bot.Card
}

// chat is the group the cards go to: it keeps every update in order.
type chat struct {
	mu     sync.Mutex
	events []cardEvent
}

// notifier is a replica's core.Notifier: it renders the release's card
// through the bot, the way a transport follows the card.
type notifier struct {
	chat    *chat
	bot     *bot.Bot
	replica string
}

func (n notifier) Notify(ctx context.Context, ev core.Event) {
	progress := ""
	if ev.Step == core.StepProgress {
		progress = ev.Message
	}
	card, err := n.bot.CardOf(ctx, "en", ev.Release, progress)
	if err != nil {
		card = &bot.Card{Markdown: "rendering the card failed: " + err.Error()}
	}
	n.chat.mu.Lock()
	defer n.chat.mu.Unlock()
	n.chat.events = append(n.chat.events, cardEvent{Replica: n.replica, Step: ev.Step, Message: ev.Message,
		Release: ev.Release, Card: card})
}

// of lists the updates of release id.
func (c *chat) of(id core.ReleaseID) []cardEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []cardEvent
	for _, e := range c.events {
		if e.Release.ID == id {
			out = append(out, e)
		}
	}
	return out
}

// steps lists the steps of release id's updates, progress lines left out.
func (c *chat) steps(id core.ReleaseID) []core.Step {
	var out []core.Step
	for _, e := range c.of(id) {
		if e.Step != core.StepProgress {
			out = append(out, e.Step)
		}
	}
	return out
}

// step returns release id's first update at step, if there is one.
func (c *chat) step(id core.ReleaseID, step core.Step) (cardEvent, bool) {
	for _, e := range c.of(id) {
		if e.Step == step {
			return e, true
		}
	}
	return cardEvent{}, false
}

// progress lists the progress lines of release id.
func (c *chat) progress(id core.ReleaseID) string {
	var lines []string
	for _, e := range c.of(id) {
		if e.Step == core.StepProgress {
			lines = append(lines, e.Message)
		}
	}
	return strings.Join(lines, "\n")
}

// waitStep waits for release id's update at step and returns it.
func (h *harness) waitStep(id core.ReleaseID, step core.Step) cardEvent {
	h.t.Helper()
	var ev cardEvent
	require.Eventually(h.t, func() bool {
		var ok bool
		ev, ok = h.chat.step(id, step)
		return ok
	}, 20*time.Second, 5*time.Millisecond, "waiting for %s's card to reach %s", id, step)
	return ev
}
