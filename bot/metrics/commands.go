package metrics

import "github.com/dingops/dingops/bot"

// Command labels one handled chat message for CommandHandled: the command
// table's name of what was typed (or "unknown" for text that names no
// command) and its outcome: "refused" for a refusal, a usage error or
// unknown text, "ok" otherwise. A transport calls it after bot.Handle:
//
//	obs.CommandHandled(metrics.Command(b.Table(), m.Text, resp))
//
// The labels come from the table, never from the text, so their number
// stays small whatever people type. Breakage and refusals both arrive as
// Response.Refused, so both count as "refused"; OutcomeError is for
// transports that see the error themselves.
func Command(t *bot.Table, text string, resp bot.Response) (command, outcome string) {
	outcome = OutcomeOK
	if resp.Refused {
		outcome = OutcomeRefused
	}
	p := t.Parse(text)
	if p.Command != nil {
		return string(p.Command.Name), outcome
	}
	if p.Reply != nil {
		if name, ok := p.Reply.Args["cmd"].(bot.Name); ok {
			return string(name), OutcomeRefused // a known command with wrong arguments
		}
	}
	return "unknown", OutcomeRefused
}
