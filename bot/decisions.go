package bot

import "github.com/dingops/dingops/core"

// decisions are the card's status details: who decided what. A decision
// the status already says (a reject on a rejected card) shows the name
// alone, so the card does not say "rejected (rejected: bob)".
func (b *Bot) decisions(lang string, r core.Release) []string {
	var out []string
	for _, a := range r.Approvals {
		same := a.Decision == core.DecisionReject && r.Status == core.StatusRejected
		if same {
			out = append(out, Neutral(a.Approver))
			continue
		}
		out = append(out, b.t(lang, "card.decided_by", "decision", b.t(lang, "card.decision."+string(a.Decision)), "by", Neutral(a.Approver)))
	}
	return out
}

// rejection is who rejected r and why ("" when no reason was given).
func rejection(r core.Release) (by, reason string) {
	for _, a := range r.Approvals {
		if a.Decision == core.DecisionReject {
			return Neutral(a.Approver), Neutral(a.Comment)
		}
	}
	return "", ""
}

// rejectedLine tells the requester, 1:1, who rejected the request and why.
func (b *Bot) rejectedLine(lang string, r core.Release) string {
	by, why := rejection(r)
	if why == "" {
		return b.t(lang, "progress.rejected_bare", "release", r.Label(), "by", by)
	}
	return b.t(lang, "progress.rejected", "release", r.Label(), "by", by, "reason", why)
}

// rejectedNote is /history's note on a rejected release.
func (b *Bot) rejectedNote(lang, by, why string) string {
	if why == "" {
		return b.t(lang, "history.rejected_bare", "by", by)
	}
	return b.t(lang, "history.rejected", "by", by, "reason", why)
}

// requestedBy is "(alice: reason)" for the approvers' message, or
// "(alice)" when no reason was given.
func (b *Bot) requestedBy(lang string, r core.Release) string {
	if r.Reason == "" {
		return b.t(lang, "decision.requested_by_only", "by", Neutral(r.Requester))
	}
	return b.t(lang, "decision.requested_by", "by", Neutral(r.Requester), "reason", Neutral(r.Reason))
}
