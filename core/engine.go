package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"
)

// Actor is the person (or system) behind a command.
type Actor struct {
	StaffID string
	Name    string
	OSUser  string // for commands run from a shell
	Origin  Origin
	ChatID  string
	MsgID   string // the inbound message, for idempotency
}

// Config is everything the engine is built from.
type Config struct {
	Apps      []*App
	Releases  ReleaseStore
	Locks     LockStore
	Audit     AuditLog
	Deployers map[string]Deployer // by app name
	Builder   Builder             // nil when no app releases from a branch
	Source    SourceControl       // nil when no app releases from a branch
	// Commits lists the commits a request changes, for its card; nil means
	// Source when it implements CommitLog too (the git adapter does), else
	// cards list no commits.
	Commits  CommitLog
	Notifier Notifier
	Clock    Clock
	Logger   *slog.Logger
	// Gate answers whether app may release at t; nil means always open.
	Gate func(app *App, t time.Time) *Reason
	// Wake is called with a release that became approved, so a worker
	// starts on it at once instead of at its next poll.
	Wake func(ReleaseID)
	// Alerts keeps alerts and rollback suggestions; nil refuses alerts.
	Alerts AlertStore
	// Cutter and Branches serve /branch; nil refuses it.
	Cutter   BranchCutter
	Branches BranchStore
	// Observe, when set, receives each confirmed deploy's switch → served
	// time (the deploy → user-visible histogram, per app and target kind).
	Observe func(r Release, switchToServed time.Duration)
	// Redactor masks secrets in everything the engine stores or tells:
	// release errors and output, progress lines, audit details. Optional.
	Redactor Redactor
}

// Redactor masks secret values in text that leaves the process.
type Redactor interface {
	Redact(string) string
}

// Engine records intent and decides; the Worker acts on it.
type Engine struct {
	cfg   Config
	apps  map[string]*App
	names []string
	log   *slog.Logger
	vis   visibleState // how far recent deploys reached users (visible.go)
}

// NewEngine checks cfg and builds an engine.
func NewEngine(cfg Config) (*Engine, error) {
	if cfg.Releases == nil || cfg.Locks == nil || cfg.Audit == nil || cfg.Clock == nil {
		return nil, errors.New("engine: releases, locks, audit and clock are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Notifier == nil {
		cfg.Notifier = NopNotifier{}
	}
	if cl, ok := cfg.Source.(CommitLog); ok && cfg.Commits == nil {
		cfg.Commits = cl
	}
	e := &Engine{cfg: cfg, apps: map[string]*App{}, log: cfg.Logger}
	for _, a := range cfg.Apps {
		if _, dup := e.apps[a.Name]; dup {
			return nil, fmt.Errorf("engine: app %q defined twice", a.Name)
		}
		e.apps[a.Name] = a
		e.names = append(e.names, a.Name)
	}
	sort.Strings(e.names)
	return e, nil
}

// NopNotifier discards events.
type NopNotifier struct{}

// Notify does nothing.
func (NopNotifier) Notify(context.Context, Event) {}

// App returns the named app or a refusal naming the apps that exist.
func (e *Engine) App(name string) (*App, *Refusal) {
	if a, ok := e.apps[name]; ok {
		return a, nil
	}
	return nil, Refuse(CodeUnknownApp, "app", name, "apps", e.names)
}

// Apps lists the apps by name.
func (e *Engine) Apps() []*App {
	out := make([]*App, 0, len(e.names))
	for _, n := range e.names {
		out = append(out, e.apps[n])
	}
	return out
}

// SetNotifier replaces the notifier; bot/system calls it once while wiring,
// before any work starts, because the bot that notifies needs the engine.
func (e *Engine) SetNotifier(n Notifier) { e.cfg.Notifier = n }

// SetWake replaces the wake function (the worker is built after the engine).
func (e *Engine) SetWake(f func(ReleaseID)) { e.cfg.Wake = f }

// Now is the engine's clock.
func (e *Engine) Now() time.Time { return e.cfg.Clock.Now() }

func (e *Engine) deployer(app string) (Deployer, error) {
	d, ok := e.cfg.Deployers[app]
	if !ok {
		return nil, fmt.Errorf("no deployer for app %s", app)
	}
	return d, nil
}

func (e *Engine) audit(ctx context.Context, who Actor, kind AuditKind, app string, id ReleaseID, detail string) {
	ev := e.event(who, kind, app, id, detail)
	if err := e.cfg.Audit.Append(ctx, ev); err != nil {
		e.log.ErrorContext(ctx, "appending audit event", "kind", kind, "app", app, "release", int64(id), "err", err)
	}
}

// event is one audit event by who, now, with detail redacted.
func (e *Engine) event(who Actor, kind AuditKind, app string, id ReleaseID, detail string) AuditEvent {
	ev := AuditEvent{At: e.Now(), Actor: who.StaffID, OSUser: who.OSUser, Kind: kind, App: app,
		ReleaseID: id, Origin: who.Origin, Detail: e.clean(detail)}
	if ev.Actor == "" {
		ev.Actor = SystemActor
	}
	return ev
}

// refused audits a refusal and returns it, so every refusal is on record.
func (e *Engine) refused(ctx context.Context, who Actor, app string, id ReleaseID, r *Refusal) *Refusal {
	e.audit(ctx, who, AuditRefusal, app, id, r.Encode()) // structured: transports word it per reader
	return r
}

func (e *Engine) notify(ctx context.Context, r Release, step Step, msg string) {
	r.Error, r.Output = e.clean(r.Error), e.clean(r.Output)
	e.cfg.Notifier.Notify(ctx, Event{Release: r, Step: step, Message: e.clean(msg), At: e.Now()})
}

// clean is s with every secret the redactor knows masked.
func (e *Engine) clean(s string) string {
	if e.cfg.Redactor == nil || s == "" {
		return s
	}
	return e.cfg.Redactor.Redact(s)
}

func (e *Engine) wake(id ReleaseID) {
	if e.cfg.Wake != nil {
		e.cfg.Wake(id)
	}
}

// SystemActor is the actor of what the engine does by itself.
const SystemActor = "dingops"
