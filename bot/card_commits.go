package bot

import (
	"strings"

	"github.com/dingops/dingops/core"
)

// commitRows are the card's commit lines. With a range from git they say
// what the request changes against what is live: the commits a rollback
// undoes (or brings back, rolling forward), those a release adds, and a
// note when the two sides diverged or git could not tell. Without one
// (no repository) they show the stored list, if any.
func (b *Bot) commitRows(lang string, p core.Plan) [][2]string {
	c := p.Changes
	if c == nil {
		if len(p.Commits) == 0 {
			return nil
		}
		return [][2]string{{b.t(lang, "card.commits"), commitList(p.Commits)}}
	}
	label := b.t(lang, "card.commits")
	switch {
	case c.Failed != "":
		return [][2]string{{label, b.t(lang, "card.commits_failed")}}
	case len(c.Unknown) > 0:
		return [][2]string{{label, b.t(lang, "card.commits_unknown", "commits", abbrevAll(c.Unknown))}}
	case c.UndoneTotal == 0 && c.AddedTotal == 0:
		return [][2]string{{label, b.t(lang, "card.commits_same")}}
	}
	if p.Release.Kind != core.KindRollback {
		return b.releaseCommitRows(lang, *c)
	}
	var rows [][2]string
	if c.Diverged {
		rows = append(rows, [2]string{"⚠️", b.t(lang, "card.commits_diverged", "base", abbrev(c.Base))})
	}
	if c.UndoneTotal > 0 {
		rows = append(rows, [2]string{b.t(lang, "card.commits_undone"), b.commitText(lang, c.Undone, c.UndoneTotal)})
	}
	if c.AddedTotal > 0 {
		rows = append(rows, [2]string{b.t(lang, "card.commits_back"), b.commitText(lang, c.Added, c.AddedTotal)})
	}
	return rows
}

// releaseCommitRows: what the release puts live, and what live has that it
// takes out (a policy warning already says why that was let through).
func (b *Bot) releaseCommitRows(lang string, c core.CommitRange) [][2]string {
	var rows [][2]string
	if c.AddedTotal > 0 {
		rows = append(rows, [2]string{b.t(lang, "card.commits"), b.commitText(lang, c.Added, c.AddedTotal)})
	}
	if c.UndoneTotal > 0 {
		rows = append(rows, [2]string{b.t(lang, "card.commits_undone"), b.commitText(lang, c.Undone, c.UndoneTotal)})
	}
	return rows
}

// commitsParam is the card template's "commits" variable: every commit
// line, one a line.
func (b *Bot) commitsParam(lang string, p core.Plan) string {
	var lines []string
	for _, row := range b.commitRows(lang, p) {
		lines = append(lines, row[1])
	}
	return strings.Join(lines, "\n")
}

// commitText lists commits as `git log --oneline` shows them, with the
// author, and says how many more there are than listed.
func (b *Bot) commitText(lang string, cs []core.Commit, total int) string {
	parts := make([]string, 0, len(cs)+1)
	for _, c := range cs {
		s := abbrev(c.SHA) + " " + Neutral(c.Subject)
		if c.Merged > 0 {
			s += " " + b.t(lang, "card.commit_merge", "n", c.Merged)
		}
		if c.Author != "" {
			s += " (" + Neutral(c.Author) + ")"
		}
		parts = append(parts, strings.TrimSpace(s))
	}
	if more := total - len(cs); more > 0 {
		parts = append(parts, b.t(lang, "card.commits_more", "n", more))
	}
	return strings.Join(parts, "; ")
}

// abbrev shortens a commit id the way git does by default (7 digits), so a
// card reads like `git log --oneline`.
func abbrev(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

func abbrevAll(shas []string) []string {
	out := make([]string, len(shas))
	for i, s := range shas {
		out[i] = abbrev(s)
	}
	return out
}
