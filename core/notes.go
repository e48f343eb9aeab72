package core

import (
	"fmt"
	"strconv"
	"strings"
)

// The engine stores a few fixed notes in a release's error text and a
// lock's reason. They stay plain English for logs and exports; these
// helpers write and read them so transports can word them in the reader's
// language from their catalogue.

const (
	cancelNotePrefix   = "cancelled by "
	rollbackLockPrefix = "rollback to v"
	// ExpiryNote is the error text of a request whose approval time ran out.
	ExpiryNote = "approval expired"
)

// CancelNote is the error text of a release cancelled by staffID.
func CancelNote(staffID string) string { return cancelNotePrefix + staffID }

// CancelledBy reads CancelNote back: who cancelled.
func CancelledBy(note string) (string, bool) { return strings.CutPrefix(note, cancelNotePrefix) }

// RollbackLockReason is the reason of the release lock a rollback to
// version leaves.
func RollbackLockReason(version int) string { return fmt.Sprintf("%s%d", rollbackLockPrefix, version) }

// RollbackLockVersion reads RollbackLockReason back: the version rolled back to.
func RollbackLockVersion(reason string) (int, bool) {
	rest, ok := strings.CutPrefix(reason, rollbackLockPrefix)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(rest)
	return v, err == nil && v > 0
}
