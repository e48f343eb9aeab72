package stream

import (
	"context"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// The transport's slices of what bot/system hands it: the command layer,
// the DingTalk OpenAPI, the engine's release reads and the store. *bot.Bot,
// *dingtalk.Client, *core.Engine and *store.Store satisfy them.

// Bot is the command layer the transport hands messages and clicks to and
// renders cards and sentences with.
type Bot interface {
	Handle(ctx context.Context, m bot.Message) bot.Response
	Run(ctx context.Context, m bot.Message, c *bot.Command) bot.Response
	CardOf(ctx context.Context, lang string, r core.Release, progress string) (*bot.Card, error)
	SuggestionCardOf(ctx context.Context, lang string, id int64) (*bot.Card, error)
	ChatLang(chatID string) string
	T(lang, key string, kv ...any) string
	RefusalText(ctx context.Context, lang string, err error) string
	OutcomeText(ctx context.Context, lang string, ev core.Event) string
}

// API is the DingTalk OpenAPI the transport sends with, and the settings
// its stream connection opens with.
type API interface {
	Stream() dingtalk.StreamSettings
	ReplyBySession(ctx context.Context, webhookURL, markdown string) error
	SendGroupMessage(ctx context.Context, conversationID string, m dingtalk.Message) (string, error)
	SendDirect(ctx context.Context, staffIDs []string, m dingtalk.Message) (dingtalk.DirectResult, error)
	CreateAndDeliverCard(ctx context.Context, card dingtalk.Card) error
	UpdateCard(ctx context.Context, u dingtalk.CardUpdate) error
}

// Releases reads a release as the store has it now, for a card update.
type Releases interface {
	Release(ctx context.Context, id core.ReleaseID) (core.Release, error)
}

// Store is what the transport keeps: inbound messages, delivered cards and
// suggestion cards, and the installation id cards are tracked under.
type Store interface {
	Inbox() *store.Inbox
	Cards() *store.Cards
	InstallationID(ctx context.Context) (string, error)
	Ping(ctx context.Context) error
	RecordSuggestionCard(ctx context.Context, c store.SuggestionCard) (bool, error)
	SuggestionCards(ctx context.Context, id int64) ([]store.SuggestionCard, error)
	SuggestionCardByTrackID(ctx context.Context, outTrackID string) (store.SuggestionCard, error)
	// Audit reads the refused clicks on a card, whose private notices its
	// final update clears.
	Audit(ctx context.Context, f core.AuditFilter) ([]core.AuditEvent, error)
}
