package stream

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/client"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/logger"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/payload"

	"github.com/dingops/dingops/adapters/dingtalk"
)

// sdkLoggerOnce guards the stream SDK's process-wide logger, and sdkLog is
// where its lines go: the logger of the transport that started last (one
// per process in production). They are the package's only state, and they
// exist because the SDK's own global is read by its goroutines without a
// lock: it must be set once, before the first client starts, and never
// again (every SDK client in the process is a Transport's, so every one
// starts after this); the destination is swapped atomically instead.
var (
	sdkLoggerOnce sync.Once
	sdkLog        atomic.Pointer[slog.Logger]
)

// flushTimeout bounds how long a stopping Run waits for queued card
// updates; the notifier keeps going afterwards anyway (see Close).
const flushTimeout = 5 * time.Second

// Run connects to the stream gateway and handles messages and clicks until
// ctx ends. Before connecting it queues what an earlier process recorded
// but did not finish. On the way out it closes the connection, lets the
// messages in hand finish (on a context that outlives ctx) and flushes card
// updates.
func (t *Transport) Run(ctx context.Context) error {
	inst, err := t.cfg.Store.InstallationID(ctx)
	if err != nil {
		return fmt.Errorf("starting the DingTalk stream: %w", err)
	}
	t.inst = inst
	sdkLog.Store(t.cfg.Logger)
	sdkLoggerOnce.Do(func() { logger.SetLogger(dingtalk.SDKLogger{To: &sdkLog}) })
	t.startOnce.Do(func() { go t.notifier.loop(t.life) })
	work := context.WithoutCancel(ctx)
	var wg sync.WaitGroup
	stopPool := t.startPool(work, &wg)
	t.scan(ctx)
	wg.Add(2)
	go func() { defer wg.Done(); t.rescanLoop(ctx) }()
	go func() { defer wg.Done(); t.drainLoop(ctx) }()
	cli := t.newClient()
	t.keepConnected(ctx, cli)
	cli.Close()
	t.connected.Store(false)
	stopPool()
	wg.Wait()
	t.notifier.waitIdle(flushTimeout)
	t.log.Info("dingtalk stream stopped")
	return nil
}

// newClient builds the SDK client. Its own reconnect is off: keepConnected
// reconnects, so the transport knows whether it is connected and counts
// reconnects, and Close really stops it.
func (t *Transport) newClient() *client.StreamClient {
	s := t.api.Stream()
	cli := client.NewStreamClient(
		client.WithAppCredential(client.NewAppCredentialConfig(s.ClientID, s.ClientSecret.Reveal())),
		client.WithOpenApiHost(s.OpenAPIHost),
		client.WithAutoReconnect(false),
		client.WithMaxPendingHandlers(t.cfg.MaxPendingFrames),
	)
	// Raw frame handlers: the transport decodes the data itself, so a frame
	// the SDK's typed handlers would reject still gets a useful answer.
	cli.RegisterCallbackRouter(payload.BotMessageCallbackTopic, t.onBotFrame)
	cli.RegisterCallbackRouter(payload.CardInstanceCallbackTopic, t.onCardFrame)
	return cli
}

// keepConnected checks the connection every Poll and restores it when it
// is gone, backing off with jitter while the gateway refuses.
func (t *Transport) keepConnected(ctx context.Context, cli *client.StreamClient) {
	backoff, ever := t.cfg.ReconnectMin, false
	for ctx.Err() == nil {
		tried, err := t.ensure(ctx, cli)
		delay := t.cfg.Poll
		switch {
		case err != nil && ctx.Err() == nil:
			t.connected.Store(false)
			delay = backoff + rand.N(backoff/5+1)
			backoff = min(2*backoff, t.cfg.ReconnectMax)
			t.log.Warn("dingtalk stream connection failed", "err", err, "retry_in", delay)
		case err == nil && tried:
			t.connected.Store(true)
			if ever {
				t.reconnects.Add(1)
			}
			ever = true
			t.log.Info("dingtalk stream connected", "reconnects", t.reconnects.Load())
		case err == nil:
			backoff = t.cfg.ReconnectMin
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
		case <-timer.C:
		}
		timer.Stop()
	}
}

// ensure starts the client if it has no connection. The SDK's Start is a
// no-op on a live connection; a connection-open request (seen through an
// httptrace hook on its context) tells that it was gone and a connect was
// tried.
func (t *Transport) ensure(ctx context.Context, cli *client.StreamClient) (bool, error) {
	var tried atomic.Bool
	trace := &httptrace.ClientTrace{GetConn: func(string) { tried.Store(true) }}
	sctx, cancel := context.WithTimeout(httptrace.WithClientTrace(ctx, trace), 30*time.Second)
	defer cancel()
	err := cli.Start(sctx)
	return tried.Load(), err
}
