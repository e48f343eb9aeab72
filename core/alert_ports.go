package core

import (
	"context"
	"time"
)

// AlertStore keeps alerts and the rollback suggestions they make. Every
// method is safe across replicas: the unique keys decide, never a read
// followed by a write.
type AlertStore interface {
	// RecordAlert stores a firing alert, or marks the stored one resolved,
	// by its key (source, id, startsAt). A repeat that changes nothing
	// returns the stored record and ErrDuplicate.
	RecordAlert(ctx context.Context, a Alert) (AlertRecord, error)
	// SetAlertOutcome records what became of an alert.
	SetAlertOutcome(ctx context.Context, seq int64, o AlertOutcome, suggestion int64, release ReleaseID) error
	// OpenSuggestion returns the suggestion of (s.App, s.ReleaseID),
	// creating it from s if there is none; created tells which.
	OpenSuggestion(ctx context.Context, s Suggestion) (got Suggestion, created bool, err error)
	// SuggestionOf reads the suggestion of a release (ErrNotFound if none).
	SuggestionOf(ctx context.Context, app string, release ReleaseID) (Suggestion, error)
	// Suggestion reads a suggestion with its alerts (ErrNotFound if none).
	Suggestion(ctx context.Context, id int64) (Suggestion, error)
	// FileSuggestion records the rollback filed from a suggestion, once:
	// ErrStale (with the suggestion as stored) if one was filed already.
	FileSuggestion(ctx context.Context, id int64, request ReleaseID, by string) (Suggestion, error)
	// ResolveSuggestion marks a suggestion resolved when nothing was filed
	// from it and none of its alerts still fires; ErrStale otherwise.
	ResolveSuggestion(ctx context.Context, id int64, at time.Time) (Suggestion, error)
	// Alerts lists alerts, newest first.
	Alerts(ctx context.Context, f AlertFilter) ([]AlertRecord, error)
}

// AlertFilter selects alerts; zero fields match everything.
type AlertFilter struct {
	App       string
	Firing    bool // only alerts not resolved
	ReleaseID ReleaseID
	Limit     int
}
