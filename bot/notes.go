package bot

import (
	"github.com/dingops/dingops/core"
)

// ReleaseNote is a release's error text worded for lang: a refusal found
// when work started as its sentences, the engine's fixed notes (who
// cancelled, an expired approval) from the catalogue, anything else — a
// target's or a build's own message — as its first line.
func (b *Bot) ReleaseNote(lang string, r core.Release) string {
	return b.redact(b.releaseNote(lang, r.Error))
}

func (b *Bot) releaseNote(lang, note string) string {
	if ref, ok := core.DecodeRefusal(note); ok {
		return b.refusalText(lang, ref)
	}
	if by, ok := core.CancelledBy(note); ok {
		return b.t(lang, "note.cancelled_by", "by", by)
	}
	if note == core.ExpiryNote {
		return b.t(lang, "note.expired")
	}
	if stage, detail, ok := core.ParseFailNote(note); ok {
		return b.t(lang, "note.fail."+string(stage), "detail", Neutral(firstLine(detail)))
	}
	return Neutral(firstLine(note))
}

// LockReason is a lock's reason worded for lang: the lock a rollback
// leaves from the catalogue, a person's reason as they wrote it.
func (b *Bot) LockReason(lang, reason string) string {
	if v, ok := core.RollbackLockVersion(reason); ok {
		return b.t(lang, "note.rollback_lock", "version", v)
	}
	return Neutral(reason)
}

// AuditDetail is an audit event's detail for a person reading lang: a
// refusal as the sentences its reader was told; other details — an
// operator's log line in English, the same in the exports — as stored.
func (b *Bot) AuditDetail(lang string, ev core.AuditEvent) string {
	if ref, ok := core.DecodeRefusal(ev.Detail); ok {
		return b.redact(b.refusalText(lang, ref))
	}
	return ev.Detail
}
