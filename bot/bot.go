package bot

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/dingops/dingops/core"
)

// Engine is the slice of core.Engine the bot calls.
type Engine interface {
	App(name string) (*core.App, *core.Refusal)
	Apps() []*core.App
	RequestRollback(ctx context.Context, req core.RollbackRequest) (core.Plan, error)
	Approve(ctx context.Context, who core.Actor, id core.ReleaseID, comment string) (core.Release, error)
	Reject(ctx context.Context, who core.Actor, id core.ReleaseID, comment string) (core.Release, error)
	Cancel(ctx context.Context, who core.Actor, id core.ReleaseID) (core.Release, error)
	Status(ctx context.Context, app string) (core.AppStatus, error)
	History(ctx context.Context, app string, n int) ([]core.Release, error)
	Lock(ctx context.Context, who core.Actor, app, why string) (core.Lock, error)
	Unlock(ctx context.Context, who core.Actor, app string) (core.Lock, error)
	Release(ctx context.Context, id core.ReleaseID) (core.Release, error)
	PlanOf(ctx context.Context, r core.Release) (core.Plan, error)
	// RequestRelease starts a release from a branch; an engine without a
	// builder refuses it (core.CodeNoBuilder).
	RequestRelease(ctx context.Context, req core.ReleaseRequest) (core.Plan, error)
}

// WindowPlanner answers /windows; nil when no windows are configured.
type WindowPlanner interface {
	WindowPlan(app string, from time.Time, days int) ([]core.DayPlan, *time.Location, bool)
}

// Config is what a Bot is built from.
type Config struct {
	Engine   Engine
	Windows  WindowPlanner
	Language string            // default language: zh or en
	Chats    map[string]string // conversation id → language override
	Zone     *time.Location    // times are shown in this zone
	Local    bool              // a shell transport: approvals need AllowLocal
	// AllowLocalApprovals lets `dingops chat` approve and reject.
	AllowLocalApprovals bool
	// Buttons says that cards carry Approve/Reject buttons (a DingTalk card
	// template is configured); without them the words ask for /approve.
	Buttons bool
	// ChatNames maps a conversation id to its configured chat name, so a
	// reply names the group as people know it; ids are shown otherwise.
	ChatNames map[string]string
	Clock     core.Clock
	Logger    *slog.Logger
	// Alerts, if set, answers /alerts and the rollback button of alert
	// suggestion cards (docs/alerts.md).
	Alerts AlertEngine
	// Observer, if set, counts every command by name and outcome (metrics).
	Observer interface{ CommandHandled(command, outcome string) }
	// PublicURL is the dashboard's address as people reach it
	// (server.public_url); a card too long for DingTalk links to it.
	PublicURL string
	// Redactor, if set, masks secrets in every reply and 1:1 text (a
	// refusal can quote a target's check output, say).
	Redactor interface{ Redact(string) string }
	// Brancher, if set, answers /branch and /branches.
	Brancher Brancher
	// Builds, if set, names a release's build on its card: "#42" linked to
	// the build's page (the Jenkins builder); without it the card shows
	// the builder's own reference.
	Builds BuildLinker
}

// BuildLinker names a build for people: its number and its page, both ""
// while the build is still queued.
type BuildLinker interface {
	BuildLink(ref string) (label, url string)
}

// Bot turns messages into responses through the command table.
type Bot struct {
	cfg   Config
	table *Table
	cat   *Catalog
	log   *slog.Logger
}

// New builds a bot; it fails if the command table is inconsistent.
func New(cfg Config) (*Bot, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Zone == nil {
		cfg.Zone = time.UTC
	}
	if cfg.Language == "" {
		cfg.Language = "zh"
	}
	t, err := commands()
	if err != nil {
		return nil, err
	}
	return &Bot{cfg: cfg, table: t, cat: NewCatalog(), log: cfg.Logger}, nil
}

// Table is the bot's command table (for help and the fuzz test).
func (b *Bot) Table() *Table { return b.table }

// Response is what the bot says back to one message. Text goes to the
// sender's conversation (privately for a card click); a Card is posted to
// each of CardChats; Direct messages go 1:1.
type Response struct {
	Text      string
	Private   bool // only the clicker sees it (card clicks)
	Card      *Card
	CardChats []string
	Direct    []Direct
	// Release is the release the command touched, for transports that
	// follow its card (e.g. `dingops chat` waiting for the outcome).
	Release *core.Release
	// Refused is set when the command was refused or failed.
	Refused bool
	// Broken is set when it failed on breakage ("internal error, reference
	// …"), which the metrics count as outcome "error", not "refused".
	Broken bool
	// Suggestion is the alert suggestion the command changed, whose cards
	// the transport updates (docs/alerts.md).
	Suggestion int64
}

// Direct is a 1:1 message to people.
type Direct struct {
	Users []string
	Text  string
}

// Handle parses and runs one message. It never returns an error: breakage
// becomes an "internal error, reference …" text with the error logged.
func (b *Bot) Handle(ctx context.Context, m Message) Response {
	lang := b.lang(m)
	if m.StaffID == "" {
		return Response{Text: b.cat.T(lang, "error.no_staff_id", nil)}
	}
	p := b.table.Parse(m.Text)
	if p.Reply != nil {
		name := "unknown"
		if n, ok := p.Reply.Args["cmd"].(Name); ok {
			name = string(n) // a known command with wrong arguments
		}
		b.observe(name, true)
		return Response{Text: b.renderNotice(lang, p.Reply), Refused: p.Reply.Key != "parse.empty"}
	}
	return b.Run(ctx, m, p.Command)
}

// Run dispatches an already-typed command (card clicks arrive this way).
func (b *Bot) Run(ctx context.Context, m Message, c *Command) Response {
	e := b.table.entry(c.Name)
	if e == nil {
		b.observe("unknown", true)
		return Response{Text: b.cat.T(b.lang(m), "parse.unknown", map[string]any{"got": string(c.Name)}), Refused: true}
	}
	resp := b.clean(e.handle(ctx, b, m, c))
	b.observeResponse(string(c.Name), resp)
	return resp
}

// clean masks secrets in the texts of resp (its card is masked when made).
func (b *Bot) clean(resp Response) Response {
	resp.Text = b.redact(resp.Text)
	for i := range resp.Direct {
		resp.Direct[i].Text = b.redact(resp.Direct[i].Text)
	}
	return resp
}

// redact is the last pass over every text the bot sends: secrets masked
// and control and bidi characters dropped (line breaks kept).
func (b *Bot) redact(s string) string {
	s = controlFree(s, true)
	if b.cfg.Redactor == nil || s == "" {
		return s
	}
	return b.cfg.Redactor.Redact(s)
}

func (b *Bot) observe(command string, refused bool) {
	b.observeResponse(command, Response{Refused: refused})
}

// observeResponse counts a command with the outcomes documented by
// bot/metrics: ok, refused, error.
func (b *Bot) observeResponse(command string, resp Response) {
	if b.cfg.Observer == nil {
		return
	}
	outcome := "ok"
	switch {
	case resp.Broken:
		outcome = "error"
	case resp.Refused:
		outcome = "refused"
	}
	b.cfg.Observer.CommandHandled(command, outcome)
}

func (b *Bot) lang(m Message) string {
	if m.Language != "" {
		return m.Language
	}
	if l, ok := b.cfg.Chats[m.ChatID]; ok && l != "" {
		return l
	}
	return b.cfg.Language
}

func (b *Bot) actor(m Message) core.Actor {
	return core.Actor{StaffID: m.StaffID, Name: m.Nick, OSUser: m.OSUser, Origin: m.Origin, ChatID: m.ChatID, MsgID: m.ID}
}

func (b *Bot) now() time.Time {
	if b.cfg.Clock == nil {
		return time.Now()
	}
	return b.cfg.Clock.Now()
}
