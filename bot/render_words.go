package bot

import "github.com/dingops/dingops/core"

// withButtons picks the wording of key for how cards are answered: the
// key itself names the card's buttons, key+"_text" only the commands (a
// markdown post, or a shell, has no buttons to click).
func (b *Bot) withButtons(key string) string {
	if b.cfg.Buttons {
		return key
	}
	return key + "_text"
}

// chatNames are conversation ids as their configured names.
func (b *Bot) chatNames(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if n := b.cfg.ChatNames[id]; n != "" {
			out[i] = n
		}
	}
	return out
}

// requestSummary is one line about a request for its approvers: what,
// to which version, by whom and why (the reason left out when none).
func (b *Bot) requestSummary(lang string, p core.Plan) string {
	r := p.Release
	s := b.t(lang, "kind."+string(r.Kind)) + " " + r.App
	if p.Target != nil {
		s += " → v" + itoa(p.Target.Version)
	}
	if r.Reason == "" {
		return s + b.t(lang, "reply.by", "who", Neutral(r.Requester))
	}
	return s + b.t(lang, "reply.by_reason", "who", Neutral(r.Requester), "reason", Neutral(r.Reason))
}
