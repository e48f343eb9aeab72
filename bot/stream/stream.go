// Package stream is dingops's DingTalk transport: the stream-mode
// connection that receives chat messages and card button clicks, the
// replies, approval cards and direct messages it sends back through the
// OpenAPI, and the core.Notifier that keeps every card of a release up to
// date. It is the only code that imports the stream SDK; SDK types are
// converted to bot.Message and bot.Command at its edge.
//
// All state is in the store (inbound messages, delivered cards), so any
// number of replicas can each hold a connection: DingTalk pushes each
// message to one of them at random and any replica can handle any message
// or click. While the store cannot record, a replica keeps what it is
// pushed in its own local spool until the store is back.
package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// ServiceName is the service name `dingops serve` logs.
const ServiceName = "dingtalk-stream"

// Config is what a Transport is built from. Zero durations and counts take
// the defaults named on each field.
type Config struct {
	Bot      Bot
	API      API      // the OpenAPI client; its Stream() settings open the connection
	Releases Releases // the engine: a card update renders the release as it is now
	Store    Store    // inbound messages, cards and the installation id
	// CardTemplateID is the interactive card template ("<uuid>.schema");
	// empty posts cards as markdown messages with /approve instructions.
	CardTemplateID string
	Handlers       int    // messages handled at once; default 8
	ReplicaID      string // names this process in inbox claims; default host-pid
	Clock          core.Clock
	Logger         *slog.Logger

	// MaxPendingFrames bounds the SDK's concurrent frame handlers; the SDK
	// drops frames beyond it unacknowledged, and DingTalk does not push them
	// again, so a handler here only takes the message (RecordBudget at most)
	// and returns. Default 1024.
	MaxPendingFrames int
	// SpoolDir is where messages and clicks the store cannot record are kept
	// (file SpoolFile, one per replica: never share it) until it can; the
	// data directory. "" keeps none: such a message is refused at once and
	// its sender told to send it again.
	SpoolDir      string
	SpoolMax      int           // messages the spool holds; default 10000
	RecordBudget  time.Duration // a frame handler's attempts at the store before spooling; default 2s
	SpoolRetry    time.Duration // how often the spool is offered to the store again; default 1s
	Lease         time.Duration // how long a claimed message is ours; default 5m, at least HandleTimeout+1m
	HandleTimeout time.Duration // one message's handling and replies; default 2m
	Rescan        time.Duration // scan for unfinished messages; default 1m
	Poll          time.Duration // check (and restore) the connection; default 1s
	ReconnectMin  time.Duration // first back-off after a failed connect; default 3s
	ReconnectMax  time.Duration // back-off cap; default 60s
	// CallbackBudget bounds a card click's handling: DingTalk wants the
	// answer within 2 s. Default 1.5s.
	CallbackBudget time.Duration
	// CallbackSettle is how long card updates of a clicked release wait
	// after the click's answer, so the answer cannot land after (and undo)
	// a newer update. Default 1s.
	CallbackSettle time.Duration
	Retries        int           // attempts of a failed card update or end post; default 3
	RetryDelay     time.Duration // before the second attempt, doubling; default 500ms

	// afterRecord, for crash tests only, runs after a message is recorded;
	// false drops it there as if the process died before handling it.
	afterRecord func(msgID string) bool
}

func (c Config) withDefaults() (Config, error) {
	if c.Bot == nil || c.API == nil || c.Releases == nil || c.Store == nil {
		return c, errors.New("dingtalk stream: bot, API client, releases and store are required")
	}
	if c.Clock == nil {
		c.Clock = core.WallClock{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ReplicaID == "" {
		host, _ := os.Hostname()
		c.ReplicaID = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	c.Handlers = orInt(c.Handlers, 8)
	// The SDK drops frames past this limit unacknowledged, and DingTalk
	// never pushes them again. A handler here only records or spools the
	// message and returns, so a high limit costs little and takes a burst
	// from 200 chats.
	c.MaxPendingFrames = orInt(c.MaxPendingFrames, 1024)
	c.SpoolMax = orInt(c.SpoolMax, 10000)
	c.RecordBudget = orDur(c.RecordBudget, 2*time.Second)
	c.SpoolRetry = orDur(c.SpoolRetry, time.Second)
	c.Retries = orInt(c.Retries, 3)
	c.HandleTimeout = orDur(c.HandleTimeout, 2*time.Minute)
	// A claim must outlast the handling, or another replica would take the
	// message over while it is still being answered.
	c.Lease = max(orDur(c.Lease, 5*time.Minute), c.HandleTimeout+time.Minute)
	c.Rescan = orDur(c.Rescan, time.Minute)
	c.Poll = orDur(c.Poll, time.Second)
	c.ReconnectMin = orDur(c.ReconnectMin, 3*time.Second)
	c.ReconnectMax = orDur(c.ReconnectMax, time.Minute)
	c.CallbackBudget = orDur(c.CallbackBudget, 1500*time.Millisecond)
	c.CallbackSettle = orDur(c.CallbackSettle, time.Second)
	c.RetryDelay = orDur(c.RetryDelay, 500*time.Millisecond)
	return c, nil
}

// Transport is the DingTalk stream connection and everything it answers. It
// is a `dingops serve` service: Name, Run; Connected and Reconnects feed
// /readyz and /metrics.
type Transport struct {
	cfg      Config
	bot      Bot
	api      API
	inbox    *store.Inbox
	cards    *store.Cards
	log      *slog.Logger
	notifier *Notifier

	inst       string // installation id, read at Run (after migrations)
	connected  atomic.Bool
	reconnects atomic.Int64
	queue      chan string // message ids for the pool
	kick       chan struct{}
	qmu        sync.Mutex
	queued     map[string]bool

	spool        *spool // nil without Config.SpoolDir
	drainKick    chan struct{}
	drainFailing atomic.Bool

	life      context.Context // ends at Close: the notifier's lifetime
	stop      context.CancelFunc
	startOnce sync.Once
}

// New builds a transport; Run connects.
func New(cfg Config) (*Transport, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	t := &Transport{cfg: cfg, bot: cfg.Bot, api: cfg.API, inbox: cfg.Store.Inbox(), cards: cfg.Store.Cards(),
		log: cfg.Logger.With("component", ServiceName), queue: make(chan string, 64*cfg.Handlers),
		kick: make(chan struct{}, 1), queued: map[string]bool{}, drainKick: make(chan struct{}, 1)}
	if cfg.SpoolDir != "" {
		if t.spool, err = openSpool(cfg.SpoolDir, cfg.SpoolMax); err != nil {
			return nil, fmt.Errorf("dingtalk stream: %w", err)
		}
	}
	t.life, t.stop = context.WithCancel(context.Background())
	t.notifier = newNotifier(t)
	return t, nil
}

// Name is the service name.
func (t *Transport) Name() string { return ServiceName }

// Connected reports whether the stream connection is up, as of the last
// check (Config.Poll): a dropped connection shows here within one check.
func (t *Transport) Connected() bool { return t.connected.Load() }

// Reconnects counts connections made after the first one.
func (t *Transport) Reconnects() int64 { return t.reconnects.Load() }

// Notifier is the core.Notifier that updates cards; bot/system sets it on the
// engine (core.Engine.SetNotifier) before any work starts.
func (t *Transport) Notifier() *Notifier { return t.notifier }

// Close lets the notifier send what it has queued (for at most
// closeTimeout), then stops it. Run leaves the notifier running after it
// returns, because the core worker drains its releases after the transport
// has stopped and their final card updates must still go out; serve closes
// the transport only then, before it closes the store.
func (t *Transport) Close() {
	t.notifier.waitIdle(closeTimeout)
	t.stop()
	if t.spool != nil {
		if err := t.spool.Close(); err != nil {
			t.log.Error("closing the spool", "err", err)
		}
	}
}

// Spooled is how many messages and clicks wait in the local spool for the
// store, for /metrics.
func (t *Transport) Spooled() int {
	if t.spool == nil {
		return 0
	}
	return t.spool.Len()
}

// closeTimeout bounds how long Close waits for queued card updates.
const closeTimeout = 15 * time.Second

func (t *Transport) now() time.Time { return t.cfg.Clock.Now() }

func orInt(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

func orDur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
