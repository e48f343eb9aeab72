package core

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Code names one reason a request is refused; the bot's message catalogue
// has a sentence for each, in Chinese and English.
type Code string

// Refusal codes.
const (
	CodeUnknownApp        Code = "unknown_app"
	CodeAppNotInChat      Code = "app_not_in_chat"
	CodeNotPermitted      Code = "not_permitted"
	CodeNotApprover       Code = "not_approver"
	CodeSelfApproval      Code = "self_approval"
	CodeAlreadyDecided    Code = "already_decided"
	CodeAlreadyApproved   Code = "already_approved_by_you"
	CodeReleaseNotFound   Code = "release_not_found"
	CodeVersionNotFound   Code = "version_not_found"
	CodeVersionNotOK      Code = "version_not_succeeded"
	CodeNoArtifact        Code = "no_artifact"
	CodeAlreadyLive       Code = "already_live"
	CodeLiveUnreadable    Code = "live_unreadable"
	CodeNoRollbackTarget  Code = "no_rollback_target"
	CodeCheckFailed       Code = "check_failed"
	CodeActiveExists      Code = "active_exists"
	CodeLocked            Code = "locked"
	CodeNotLocked         Code = "not_locked"
	CodeNotCancellable    Code = "not_cancellable"
	CodeNotYours          Code = "not_yours"
	CodeLocalApprovalsOff Code = "local_approvals_off"
	CodeWindowClosed      Code = "window_closed"
	CodeBranchMissing     Code = "branch_missing"
	CodeBranchConflicts   Code = "branch_conflicts"
	CodeBranchMissesLive  Code = "branch_misses_live"
	CodeNoBuilder         Code = "no_builder"
	CodeUrgentNeedsReason Code = "urgent_needs_reason"
	CodeBadArtifact       Code = "bad_artifact"
	CodeArtifactUnknown   Code = "artifact_unknown"
	// CodeTargetNote is a warning, never a refusal: the target accepted the
	// artifact with a caveat (CheckNoter); args app, detail.
	CodeTargetNote Code = "target_note"
)

// Reason is one refusal reason with the values its sentence needs.
type Reason struct {
	Code Code
	Args map[string]any
}

// Refusal is a request the engine declined for reasons a person can act on.
// It is a value, not breakage: callers render it; they do not log it as an
// error. It implements error so it can travel through the one function that
// turns errors into chat text.
type Refusal struct {
	Reasons []Reason
}

// Refuse builds a one-reason refusal from alternating key, value arguments.
func Refuse(code Code, kv ...any) *Refusal {
	return &Refusal{Reasons: []Reason{reason(code, kv...)}}
}

func reason(code Code, kv ...any) Reason {
	args := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		args[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return Reason{Code: code, Args: args}
}

// Add appends a reason; used when several pre-checks fail together.
func (r *Refusal) Add(code Code, kv ...any) { r.Reasons = append(r.Reasons, reason(code, kv...)) }

// Has reports whether the refusal carries code.
func (r *Refusal) Has(code Code) bool {
	for _, x := range r.Reasons {
		if x.Code == code {
			return true
		}
	}
	return false
}

// Error renders the codes and arguments for logs; people see the catalogue's
// sentences instead.
func (r *Refusal) Error() string {
	parts := make([]string, 0, len(r.Reasons))
	for _, x := range r.Reasons {
		keys := make([]string, 0, len(x.Args))
		for k := range x.Args {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kv := make([]string, 0, len(keys))
		for _, k := range keys {
			kv = append(kv, fmt.Sprintf("%s=%v", k, x.Args[k]))
		}
		parts = append(parts, string(x.Code)+"("+strings.Join(kv, " ")+")")
	}
	return "refused: " + strings.Join(parts, "; ")
}

// refusalPrefix marks a release error that is a refusal found when work
// started, stored so transports can render it in the reader's language.
const refusalPrefix = "refused-json:"

// Encode stores the refusal in a release's error text.
func (r *Refusal) Encode() string {
	b, err := json.Marshal(r.Reasons)
	if err != nil {
		return r.Error()
	}
	return refusalPrefix + string(b)
}

// DecodeRefusal reads a refusal stored with Encode; arguments come back as
// JSON values (times as RFC 3339 strings).
func DecodeRefusal(s string) (*Refusal, bool) {
	rest, ok := strings.CutPrefix(s, refusalPrefix)
	if !ok {
		return nil, false
	}
	var reasons []Reason
	if err := json.Unmarshal([]byte(rest), &reasons); err != nil {
		return nil, false
	}
	return &Refusal{Reasons: reasons}, true
}
