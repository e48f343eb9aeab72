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
	return Response{Text: b.errorText(ctx, lang, err), Refused: true}
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
	args := b.fmt(lang).args(x.Args)
	for k, v := range args { // names, reasons, git subjects, check output: data, never markup
		if s, ok := v.(string); ok {
			args[k] = Neutral(s)
		}
	}
	if x.Code == core.CodeWindowClosed {
		args["why"] = b.windowWhy(lang, x)
		if next, ok := x.Args["next"].(interface{ IsZero() bool }); ok && next.IsZero() {
			args["next"] = b.t(lang, "window.none")
		}
	}
	return b.cat.T(lang, "refusal."+string(x.Code), args)
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
