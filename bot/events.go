package bot

import (
	"context"

	"github.com/dingops/dingops/core"
)

// EventLine renders one progress event as a single line, for transports
// that print rather than update a card.
func (b *Bot) EventLine(lang string, ev core.Event) string { return b.redact(b.eventLine(lang, ev)) }

func (b *Bot) eventLine(lang string, ev core.Event) string {
	r := ev.Release
	switch ev.Step {
	case core.StepSucceeded:
		return b.t(lang, "progress.succeeded", "release", r.Label(), "elapsed", r.Elapsed(), "artifact", r.Artifact.Label())
	case core.StepFailed:
		return b.t(lang, "progress.failed", "release", r.Label(), "error", b.releaseNote(lang, r.Error))
	case core.StepUnknown:
		return b.t(lang, "progress.unknown", "release", r.Label(), "error", Neutral(firstLine(r.Error)))
	case core.StepRejected:
		return b.rejectedLine(lang, r)
	case core.StepVisible:
		return "" // shown on the card (card_visible.go), not as a line
	case core.StepProgress:
		if ev.Message == "" {
			return ""
		}
		return b.t(lang, "progress.line", "release", r.Label(), "text", Neutral(ev.Message))
	}
	return b.t(lang, "progress.step", "release", r.Label(), "status", b.fmt(lang).value(stepStatus(ev)))
}

func stepStatus(ev core.Event) core.Status {
	switch ev.Step {
	case core.StepBuilding:
		return core.StatusBuilding
	case core.StepDeploying:
		return core.StatusDeploying
	case core.StepQueued:
		return core.StatusQueued
	}
	return ev.Release.Status
}

// Lang is the default reply language.
func (b *Bot) Lang() string { return b.cfg.Language }

// T renders a catalogue sentence for lang, with args given as key, value
// pairs, formatted like every reply (times in the configured zone).
func (b *Bot) T(lang, key string, kv ...any) string { return b.redact(b.t(lang, key, kv...)) }

// RefusalText renders an error the way a reply would (a refusal's
// sentences, or "internal error, reference …").
func (b *Bot) RefusalText(ctx context.Context, lang string, err error) string {
	return b.redact(b.errorText(ctx, lang, err))
}

// CardOf renders release r's card for lang, reading what is live from the
// store; progress is the latest progress line, if any.
func (b *Bot) CardOf(ctx context.Context, lang string, r core.Release, progress string) (*Card, error) {
	p, err := b.cfg.Engine.PlanOf(ctx, r)
	if err != nil {
		return nil, err
	}
	return b.card(lang, p, progress), nil
}

// ChatLang is the language of a conversation.
func (b *Bot) ChatLang(chatID string) string { return b.lang(Message{ChatID: chatID}) }
