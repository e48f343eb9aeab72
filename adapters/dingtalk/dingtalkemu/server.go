// Package dingtalkemu is a DingTalk emulator on 127.0.0.1 that the real,
// unmodified stream SDK and OpenAPI SDK talk to: the stream gateway
// (connection open, websocket frames, acks, random dispatch), the access token,
// interactive cards, robot messages, session webhooks and the enterprise
// mini-program version APIs. It validates what it receives like DingTalk
// does, records everything, lets tests inject messages, clicks and faults,
// and notifies subscribers of every change (the playground page shows it).
package dingtalkemu

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/core"
)

// Default credentials of the emulated app when Options.Apps is empty.
const (
	DefaultClientID     = "dingemuclientid"
	DefaultClientSecret = "emu-client-secret"
)

// App is one DingTalk app (client id and secret) the emulator knows.
type App struct {
	ClientID     string
	ClientSecret string
	// RobotCode of the app's robot; "" means ClientID.
	RobotCode string
}

// Options configure a Server; zero values take DingTalk's documented
// behaviour where one is known.
type Options struct {
	Apps   []App  // default: one app with DefaultClientID / DefaultClientSecret
	Addr   string // listen address; default 127.0.0.1:0
	CorpID string // default "dingemucorp"
	// Clock is DingTalk's clock for ticket, token and session expiry; nil
	// is the system clock. Latencies and fault periods use real time.
	Clock  core.Clock
	Logger *slog.Logger

	TicketTTL  time.Duration // connection tickets; default 90 s
	TokenTTL   time.Duration // access tokens; default 7200 s
	SessionTTL time.Duration // session webhooks; default 90 min
	// AckTimeout is how long a bot message frame waits for its ack before
	// it is recorded as unacknowledged (Frame.Expired); default 30 s. It is
	// not pushed again: DingTalk's bot messages are fire-and-forget
	// (developerpedia docs/learn/stream/protocol.md, FAQ).
	AckTimeout time.Duration
	// Duplicates, when n > 0, pushes every n-th bot message a second time
	// (same msgId, a new frame, a connection chosen anew) after its first
	// push was acked or expired: the occasional duplicate that field reports
	// describe, so a client's dedupe stays tested. 0, the default, never.
	Duplicates int
	// CardCallbackTimeout is how long a card click waits for the ack; 2 s
	// by default, as DingTalk documents. Clicks are not redelivered.
	CardCallbackTimeout time.Duration
	// Window is how many data frames one connection may have unacked at
	// once; default 1 (one frame, then its ack). Raise it to send bursts.
	Window int
	// DisconnectGrace is how long after a SYSTEM disconnect the emulator
	// drops the TCP connection itself; default 10 s.
	DisconnectGrace time.Duration
	// Templates, when set, are the only card template ids that exist.
	Templates []string
}

// Server is a running emulator.
type Server struct {
	opts     Options
	log      *slog.Logger
	ln       net.Listener
	srv      *http.Server
	upgrader websocket.Upgrader
	closing  chan struct{}
	closeMu  sync.Once

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change
	subs    map[int]chan Event
	nextSub int
	st      state
}

// New prepares an emulator; Start listens.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{opts: opts, log: opts.Logger, closing: make(chan struct{}), changed: make(chan struct{}),
		subs: map[int]chan Event{}, st: newState(opts)}
	s.upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	return s
}

func (o Options) withDefaults() Options {
	if len(o.Apps) == 0 {
		o.Apps = []App{{ClientID: DefaultClientID, ClientSecret: DefaultClientSecret}}
	}
	for i := range o.Apps {
		if o.Apps[i].RobotCode == "" {
			o.Apps[i].RobotCode = o.Apps[i].ClientID
		}
	}
	o.Addr = orStr(o.Addr, "127.0.0.1:0")
	o.CorpID = orStr(o.CorpID, "dingemucorp")
	if o.Clock == nil {
		o.Clock = core.WallClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.TicketTTL = orDur(o.TicketTTL, 90*time.Second)
	o.TokenTTL = orDur(o.TokenTTL, 7200*time.Second)
	o.SessionTTL = orDur(o.SessionTTL, 90*time.Minute)
	o.AckTimeout = orDur(o.AckTimeout, 30*time.Second)
	o.CardCallbackTimeout = orDur(o.CardCallbackTimeout, 2*time.Second)
	o.DisconnectGrace = orDur(o.DisconnectGrace, 10*time.Second)
	if o.Window <= 0 {
		o.Window = 1
	}
	return o
}

// Start listens on Options.Addr and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("starting DingTalk emulator: %w", err)
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("dingtalk emulator stopped", "err", err)
		}
	}()
	return nil
}

// Close stops serving, drops every connection and releases hung calls.
func (s *Server) Close() {
	s.closeMu.Do(func() {
		close(s.closing)
		if s.srv != nil {
			_ = s.srv.Close()
		}
		s.dropAll()
		s.mu.Lock()
		for id, ch := range s.subs {
			close(ch)
			delete(s.subs, id)
		}
		s.mu.Unlock()
	})
}

// Addr is the listen address, host:port; it is also the OpenAPI endpoint.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is http://host:port, the stream SDK's open-API host.
func (s *Server) URL() string { return "http://" + s.Addr() }

// ClientConfig is a dingtalk.Config for the first app, pointed here.
func (s *Server) ClientConfig() dingtalk.Config {
	a := s.opts.Apps[0]
	return dingtalk.Config{ClientID: a.ClientID, ClientSecret: dingtalk.Secret(a.ClientSecret), RobotCode: a.RobotCode,
		Endpoint: s.Addr(), Protocol: "http", StreamHost: s.URL(), ReadTimeout: 5 * time.Second,
		ConnectTimeout: time.Second, Logger: s.log}
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1.0/gateway/connections/open", s.handleOpen)
	mux.HandleFunc("GET /connect", s.handleConnect)
	mux.HandleFunc("/robot/sendBySession", s.handleSession)
	s.openAPIRoutes(mux)
	return mux
}

func (s *Server) now() time.Time { return s.opts.Clock.Now() }

// done reports whether Close was called.
func (s *Server) done() bool {
	select {
	case <-s.closing:
		return true
	default:
		return false
	}
}

func orStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orDur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
