package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/dingops/dingops/core"
)

// fail turns an error into the reply: a refusal becomes its sentences, a
// known sentinel a fixed message, anything else "internal error, reference
// …" with the full error logged under that reference. This is the only
// place errors become chat text.
func (b *Bot) fail(ctx context.Context, lang string, err error) Response {
	return Response{Text: b.errorText(ctx, lang, err), Refused: true, Broken: broken(err)}
}

// broken is true for breakage: what errorText words as "internal error".
func broken(err error) bool {
	var ref *core.Refusal
	return !errors.As(err, &ref) && !errors.Is(err, core.ErrNotFound)
}

func (b *Bot) errorText(ctx context.Context, lang string, err error) string {
	var ref *core.Refusal
	switch {
	case errors.As(err, &ref):
		return b.refusalText(lang, ref)
	case errors.Is(err, core.ErrNotFound):
		return b.t(lang, "refusal.release_not_found", "release", "?")
	}
	code := reference()
	b.log.ErrorContext(ctx, "command failed", "reference", code, "err", err)
	return b.t(lang, "error.internal", "ref", code)
}

func (b *Bot) refusalText(lang string, r *core.Refusal) string {
	lines := make([]string, 0, len(r.Reasons))
	for _, x := range r.Reasons {
		lines = append(lines, b.reasonText(lang, x))
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return b.t(lang, "refusal.more") + "\n- " + strings.Join(lines, "\n- ")
}

func (b *Bot) reasonText(lang string, x core.Reason) string {
	f := b.fmt(lang)
	args := f.args(x.Args)
	for k, v := range args { // names, reasons, git subjects, check output: data, never markup
		if s, ok := v.(string); ok {
			args[k] = Neutral(s)
		}
	}
	// A refusal read back from the store (core.DecodeRefusal) has its
	// statuses and lock kinds as plain strings: word them all the same.
	if s, ok := x.Args["status"].(string); ok {
		args["status"] = f.value(core.Status(s))
	}
	if x.Code == core.CodeLocked {
		if k, ok := x.Args["kind"].(string); ok {
			args["kind"] = f.value(core.LockKind(k))
		}
		if r, ok := x.Args["reason"].(string); ok {
			args["reason"] = b.LockReason(lang, r)
		}
	}
	if x.Code == core.CodeWindowClosed {
		args["why"] = b.windowWhy(lang, x)
		if next, ok := x.Args["next"].(interface{ IsZero() bool }); ok && next.IsZero() {
			args["next"] = b.t(lang, "window.none")
		}
	}
	if x.Code == core.CodeTextInvalid || x.Code == core.CodeTextTooLong {
		b.textArgs(lang, x, args)
	}
	return b.cat.T(lang, "refusal."+string(x.Code), args)
}

// textArgs words the field and the character of a free-text refusal
// (core.CheckText) in the reader's language; a field the catalogue does not
// name (a record API field) stays as the API spells it.
func (b *Bot) textArgs(lang string, x core.Reason, args map[string]any) {
	if f, ok := x.Args["field"].(string); ok && b.cat.Has(lang, "text.field."+f) {
		args["field"] = b.t(lang, "text.field."+f)
	}
	if c, ok := x.Args["char"].(string); ok && !strings.HasPrefix(c, "U+") {
		args["char"] = b.t(lang, "text.not_utf8")
	}
}

// windowWhy words why a window is closed, with the holiday or freeze name.
func (b *Bot) windowWhy(lang string, x core.Reason) string {
	why := b.fmt(lang).value(x.Args["why"])
	return b.t(lang, "window."+why, "name", x.Args["name"])
}

func reference() string {
	buf := make([]byte, 3)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}
