// Package alerts is dingops's alert-driven recovery service: it maps an
// alert from Alertmanager, CloudMonitor/ARMS or a health probe to an app,
// hands it to the engine (which records it and decides by the app's
// policy), and puts the result in front of people: the suggestion card,
// the approval card of a rollback the alert filed, or a line saying why
// nothing was done. The HTTP intake is in bot/web; the cards go out
// through the DingTalk transport (bot/stream). See docs/alerts.md.
package alerts

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
)

// Engine is the slice of core.Engine the service calls.
type Engine interface {
	App(name string) (*core.App, *core.Refusal)
	Apps() []*core.App
	HandleAlert(ctx context.Context, a core.Alert) (core.AlertResult, error)
}

// Sink sends what an alert made to the app's chats; the DingTalk
// transport (*stream.Transport) implements it.
type Sink interface {
	PostSuggestion(ctx context.Context, id int64, chats []string)
	RefreshSuggestion(ctx context.Context, id int64)
	DeliverAlert(ctx context.Context, resp bot.Response)
	SayInChats(ctx context.Context, chats []string, text func(lang string) string)
}

// Observer counts alerts; *metrics.AlertMetrics implements it.
type Observer interface {
	AlertReceived(source, outcome string)
	AlertCard(took time.Duration)
}

// Config is what a Service is built from.
type Config struct {
	Engine   Engine
	Bot      *bot.Bot
	Sink     Sink     // nil: alerts are recorded and decided, nothing is posted
	Observer Observer // optional
	// AppLabel names the label that carries an alert's app; default
	// dingops_app, and app is always tried after it.
	AppLabel string
	// Kubernetes maps namespace+deployment (or service) labels to apps.
	Kubernetes []KubeApp
	Logger     *slog.Logger
}

// KubeApp is a Kubernetes app's namespace and deployments, for mapping
// alerts that carry no app label.
type KubeApp struct {
	App         string
	Namespace   string
	Deployments []string
}

// Service turns alerts into cards.
type Service struct {
	cfg Config
	log *slog.Logger
}

// New checks cfg and builds the service.
func New(cfg Config) (*Service, error) {
	if cfg.Engine == nil || cfg.Bot == nil {
		return nil, errors.New("alerts: engine and bot are required")
	}
	if cfg.AppLabel == "" {
		cfg.AppLabel = "dingops_app"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, log: cfg.Logger.With("service", "alerts")}, nil
}

// AppOf maps an alert's labels to an app: the app label, then app, then a
// Kubernetes app's namespace and deployment (or service). "" when none
// matches.
func (s *Service) AppOf(labels map[string]string) string {
	for _, k := range []string{s.cfg.AppLabel, "app"} {
		if v := labels[k]; v != "" {
			return v
		}
	}
	ns := labels["namespace"]
	for _, ka := range s.cfg.Kubernetes {
		if ns == "" || ka.Namespace != ns {
			continue
		}
		for _, d := range ka.Deployments {
			if d == labels["deployment"] || d == labels["service"] {
				return ka.App
			}
		}
	}
	return ""
}

// AppLabel is the label AppOf reads first, for error messages.
func (s *Service) AppLabel() string { return s.cfg.AppLabel }

// Known reports whether app is configured.
func (s *Service) Known(app string) bool {
	_, ref := s.cfg.Engine.App(app)
	return ref == nil
}

// Apps lists the configured apps, for error messages.
func (s *Service) Apps() []string {
	var out []string
	for _, a := range s.cfg.Engine.Apps() {
		out = append(out, a.Name)
	}
	return out
}

// Rejected counts an alert the intake refused.
func (s *Service) Rejected(source string) { s.observe(source, "rejected") }

func (s *Service) observe(source, outcome string) {
	if s.cfg.Observer != nil {
		s.cfg.Observer.AlertReceived(source, outcome)
	}
}

// Receive handles checked alerts in order: each is recorded and decided by
// the engine, then shown. It stops at the first breakage (a database
// error), so the sender retries; what was already recorded is a repeat on
// the retry and changes nothing.
func (s *Service) Receive(ctx context.Context, alerts []core.Alert) ([]core.AlertResult, error) {
	out := make([]core.AlertResult, 0, len(alerts))
	for _, a := range alerts {
		start := time.Now() // real time: this measures the path to DingTalk, not the injected clock
		res, err := s.cfg.Engine.HandleAlert(ctx, a)
		if err != nil {
			return out, err
		}
		s.observe(a.Source, string(res.Outcome))
		s.log.InfoContext(ctx, "alert handled", "alert", a.Key(), "app", a.App, "status", a.Status, "outcome", res.Outcome)
		s.show(ctx, res, start)
		out = append(out, res)
	}
	return out, nil
}

// show puts an alert's result in front of people.
func (s *Service) show(ctx context.Context, res core.AlertResult, start time.Time) {
	app, ref := s.cfg.Engine.App(res.Record.Alert.App)
	if ref != nil || s.cfg.Sink == nil {
		return
	}
	switch res.Outcome {
	case core.AlertSuggested:
		s.cfg.Sink.PostSuggestion(ctx, res.Suggestion.ID, app.Chats)
		s.cardSent(start)
	case core.AlertAdded, core.AlertCleared:
		if res.Suggestion != nil {
			s.cfg.Sink.RefreshSuggestion(ctx, res.Suggestion.ID)
		}
	case core.AlertRequested, core.AlertRolledBack:
		lang := s.cfg.Bot.ChatLang(first(app.Chats))
		s.cfg.Sink.DeliverAlert(ctx, s.cfg.Bot.AlertFiled(lang, res, app.Alerts.Tell))
		s.cardSent(start)
	case core.AlertUnattributed, core.AlertHeld, core.AlertNoRollback:
		if !app.Alerts.Quiet {
			s.cfg.Sink.SayInChats(ctx, app.Chats, func(lang string) string { return s.cfg.Bot.AlertNote(lang, res) })
		}
	}
}

func (s *Service) cardSent(start time.Time) {
	if s.cfg.Observer != nil {
		s.cfg.Observer.AlertCard(time.Since(start))
	}
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}
