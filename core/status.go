package core

// Status is where a release is in its life.
type Status string

// Statuses. A release moves pending_approval → approved → queued →
// building → deploying → succeeded | failed, or ends rejected, expired or
// cancelled. A deploy whose step timed out or lost its connection, and
// whose target could not be read afterwards, ends unknown: it may have
// landed. The next live read settles it to succeeded or failed. Every
// transition is compare-and-set in the store.
const (
	StatusPendingApproval Status = "pending_approval"
	StatusApproved        Status = "approved"
	StatusQueued          Status = "queued"
	StatusBuilding        Status = "building"
	StatusDeploying       Status = "deploying"
	StatusSucceeded       Status = "succeeded"
	StatusFailed          Status = "failed"
	StatusRejected        Status = "rejected"
	StatusExpired         Status = "expired"
	StatusCancelled       Status = "cancelled"
	StatusUnknown         Status = "unknown"
)

// ActiveStatuses are the statuses of a release that is not finished; an app
// has at most one release in them.
var ActiveStatuses = []Status{StatusPendingApproval, StatusApproved, StatusQueued, StatusBuilding, StatusDeploying}

// InFlightStatuses are the statuses a worker owns.
var InFlightStatuses = []Status{StatusQueued, StatusBuilding, StatusDeploying}

// CancellableStatuses are the statuses /cancel accepts: everything before
// deploying. Once deploying, the target is mid-change and cancel is refused.
var CancellableStatuses = []Status{StatusPendingApproval, StatusApproved, StatusQueued, StatusBuilding}

// Final reports whether the status ends a release's work. Unknown is final
// for the worker (nothing more is done to the target) though a live read
// may still settle it.
func (s Status) Final() bool {
	switch s {
	case StatusSucceeded, StatusFailed, StatusRejected, StatusExpired, StatusCancelled, StatusUnknown:
		return true
	}
	return false
}

// In reports whether s is one of list.
func (s Status) In(list ...Status) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

var transitions = map[Status][]Status{
	StatusPendingApproval: {StatusApproved, StatusRejected, StatusExpired, StatusCancelled},
	StatusApproved:        {StatusQueued, StatusCancelled, StatusFailed},
	StatusQueued:          {StatusBuilding, StatusDeploying, StatusCancelled, StatusFailed},
	StatusBuilding:        {StatusDeploying, StatusCancelled, StatusFailed},
	StatusDeploying:       {StatusSucceeded, StatusFailed, StatusUnknown},
	StatusUnknown:         {StatusSucceeded, StatusFailed},
}

// CanTransition reports whether the state machine allows from → to.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}
