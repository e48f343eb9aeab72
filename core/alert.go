package core

import (
	"fmt"
	"strings"
	"time"
)

// AlertStatus is whether an alert is firing or has resolved.
type AlertStatus string

// Alert statuses, as Alertmanager names them.
const (
	AlertFiring   AlertStatus = "firing"
	AlertResolved AlertStatus = "resolved"
)

// Alert is one alert from a monitoring system, already mapped to an app.
// Its identity is (Source, ID, StartsAt): Alertmanager resends an alert
// every repeat_interval with the same fingerprint and start, and a new
// episode of the same alert starts at a new time.
type Alert struct {
	Source   string // "alertmanager", "generic", "health", or a configured source name
	ID       string // the fingerprint, or the sender's id
	App      string
	Title    string // alertname, or the sender's title
	Severity string
	Status   AlertStatus
	URL      string // generatorURL or a console link
	StartsAt time.Time
	EndsAt   time.Time
	// ReceivedAt is set by the engine when the alert is handled.
	ReceivedAt time.Time
}

// Key is the alert's identity as logs and audit records show it.
func (a Alert) Key() string {
	return fmt.Sprintf("%s/%s@%d", a.Source, a.ID, a.StartsAt.UnixMilli())
}

// Requester is the requester recorded on a rollback an alert filed by
// itself: "alert:<source>". It is nobody's staff id, so self-approval rules
// let every approver approve it.
func (a Alert) Requester() string { return AlertRequesterPrefix + a.Source }

// firedAt is when the alert started, or when it arrived if the sender gave
// no start.
func (a Alert) firedAt() time.Time {
	if a.StartsAt.IsZero() {
		return a.ReceivedAt
	}
	return a.StartsAt
}

// AlertRequesterPrefix starts the requester of a rollback filed by an alert.
const AlertRequesterPrefix = "alert:"

// IsAlertRequester reports whether a requester is an alert, not a person.
func IsAlertRequester(staff string) bool { return strings.HasPrefix(staff, AlertRequesterPrefix) }

// OriginAlert is the origin of what an alert does by itself.
const OriginAlert Origin = "alert"

// AuditAlert records an alert received and what dingops did with it.
const AuditAlert AuditKind = "alert"

// AlertPolicy is what an attributed alert does.
type AlertPolicy string

// Alert policies. Suggest posts a card with a rollback button; request
// files the rollback at once for the approvers; auto rolls back with no
// human approval (a break-glass policy the configuration must name people
// to tell about).
const (
	AlertSuggest AlertPolicy = "suggest"
	AlertRequest AlertPolicy = "request"
	AlertAuto    AlertPolicy = "auto"
)

// AlertSettings are an app's post-release watch and alert policy.
type AlertSettings struct {
	// Watch is how long after a release or rollback went live an alert is
	// attributed to it; 0 attributes none.
	Watch  time.Duration
	Policy AlertPolicy // "" = suggest
	// Tell are the staff ids told when an alert rolls back by itself.
	Tell []string
	// Quiet drops alerts dingops does not act on instead of posting a line
	// about them in the app's chats.
	Quiet bool
}

// PolicyOrDefault is the policy, suggest when none is set.
func (s AlertSettings) PolicyOrDefault() AlertPolicy {
	if s.Policy == "" {
		return AlertSuggest
	}
	return s.Policy
}

// Attributed reports whether alert a belongs to release live: it started
// within the watch after live went live (a release with no finish time
// counts from its creation).
func (s AlertSettings) Attributed(live Release, a Alert) bool {
	if s.Watch <= 0 {
		return false
	}
	from := live.FinishedAt
	if from.IsZero() {
		from = live.CreatedAt
	}
	at := a.firedAt()
	return !at.Before(from) && !at.After(from.Add(s.Watch))
}

// AlertOutcome is what dingops did with one alert.
type AlertOutcome string

// Alert outcomes: the label of the alerts-received metric and the value
// /alerts shows.
const (
	AlertSuggested    AlertOutcome = "suggested"    // a new suggestion card
	AlertAdded        AlertOutcome = "added"        // added to the release's suggestion
	AlertRequested    AlertOutcome = "requested"    // a rollback request filed
	AlertRolledBack   AlertOutcome = "auto"         // a rollback filed and approved by policy
	AlertRepeat       AlertOutcome = "repeat"       // seen before: nothing changed
	AlertCleared      AlertOutcome = "resolved"     // a resolve
	AlertUnattributed AlertOutcome = "unattributed" // outside any watch
	AlertHeld         AlertOutcome = "held"         // frozen, locked, or a release in progress
	AlertNoRollback   AlertOutcome = "refused"      // no rollback possible (no target, check failed)
)

// Suggestion is the one rollback suggestion of an app's release: every
// attributed alert about the release adds to it, and at most one rollback
// is filed from it.
type Suggestion struct {
	ID        int64
	App       string
	ReleaseID ReleaseID // the release the alerts are attributed to
	Version   int
	Target    int // the version it proposes to roll back to
	Policy    AlertPolicy
	RequestID ReleaseID // the rollback filed from it; 0 while none
	FiledBy   string    // who filed it: a staff id or alert:<source>
	Resolved  time.Time // every alert resolved before anything was filed
	CreatedAt time.Time
	Alerts    []AlertRecord // oldest first
}

// Open reports whether the suggestion still offers its button.
func (s Suggestion) Open() bool { return s.RequestID == 0 && s.Resolved.IsZero() }

// AlertRecord is an alert as stored, with what became of it.
type AlertRecord struct {
	Seq        int64 // the store's id
	Alert      Alert
	Outcome    AlertOutcome
	Suggestion int64     // the suggestion it belongs to, if any
	ReleaseID  ReleaseID // the release it was attributed to, if any
	ResolvedAt time.Time
}
