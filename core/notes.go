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

// FailStage names the step whose failure a release's error text reports.
type FailStage string

// The stages a failure note names; the detail after it is the outside
// system's own message (Jenkins, the target), which stays as it came.
const (
	FailDeploy     FailStage = "deploy"
	FailBuildStart FailStage = "build_start"
	FailBuildWait  FailStage = "build_wait"
	FailBuild      FailStage = "build"    // the detail is the build's result, FAILURE or ABORTED
	FailPrecheck   FailStage = "precheck" // the pre-check could not run when work started
)

// failPrefixes are the English words before each stage's detail.
var failPrefixes = []struct {
	stage  FailStage
	prefix string
}{
	{FailDeploy, "deploy failed: "},
	{FailBuildStart, "starting build: "},
	{FailBuildWait, "waiting for build: "},
	{FailPrecheck, "pre-check could not run when work started: "},
	{FailBuild, "build "},
}

// FailNote is the error text of a release that failed at stage.
func FailNote(stage FailStage, detail string) string {
	for _, p := range failPrefixes {
		if p.stage == stage {
			return p.prefix + detail
		}
	}
	return detail
}

// ParseFailNote reads FailNote back.
func ParseFailNote(note string) (FailStage, string, bool) {
	for _, p := range failPrefixes {
		if rest, ok := strings.CutPrefix(note, p.prefix); ok && rest != "" {
			if p.stage == FailBuild && strings.ContainsAny(rest, " :") {
				continue // "build " begins other sentences too; a result is one word
			}
			return p.stage, rest, true
		}
	}
	return "", "", false
}
