package bot

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dingops/dingops/core"
)

// DingTalk caps every cardParamMap entry of createAndDeliver, UpdateCard
// and (the same map) a callback answer: "key：参数名（最长不超过100B）
// value: 参数值（最长不超过1KB）"
// (https://open.dingtalk.com/document/development/create-and-deliver-cards,
// https://open.dingtalk.com/document/development/interactive-card-update-interface).
// 1 KB is about 340 Chinese characters.
const (
	CardValueMax = 1024 // bytes of UTF-8 in one card variable's value
	CardKeyMax   = 100  // bytes in one card variable's name
)

const (
	outputTail = 8   // lines of a failed build's output on a card that has room
	rowBrief   = 160 // bytes a row keeps when the body has to be shortened
	mark       = "…"
)

// FitCardValue cuts s to CardValueMax bytes on a rune boundary, ending in
// "…" when something was cut.
func FitCardValue(s string) string { return cut(s, CardValueMax) }

// cut shortens s to at most max bytes without splitting a rune.
func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	n := max - len(mark)
	if n < 0 {
		return ""
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + mark
}

// fitParams is the last guarantee that no variable exceeds DingTalk's
// limit; the values with a smarter way to shrink have used it already.
func fitParams(m map[string]string) map[string]string {
	for k, v := range m {
		m[k] = FitCardValue(v)
	}
	return m
}

// cardBody is the body variable: the card's markdown when it fits in
// 1 KB, else degraded by priority: first the commit list (only its count
// stays) and the build output tail (fewer lines, then none) go, then every
// row is shortened, then the whole is cut. A degraded body ends with a link to the dashboard's
// release when a public URL is configured.
func (b *Bot) cardBody(lang string, p core.Plan, c *Card, rows [][2]string, progress string) string {
	if len(c.Markdown) <= CardValueMax {
		return c.Markdown
	}
	link := b.detailsLink(lang, p.Release)
	budget := CardValueMax - len(link)
	brief := b.briefRows(lang, rows, len(p.Commits))
	for _, tail := range []int{outputTail, 4, 2, 1, 0} {
		md := b.cardMarkdown(lang, c, brief, progress, b.cardResult(lang, p.Release, tail))
		if len(md) <= budget {
			return md + link
		}
	}
	result := b.cardResult(lang, p.Release, 0)
	for i := range brief {
		brief[i][1] = cut(brief[i][1], rowBrief)
	}
	md := b.cardMarkdown(lang, c, brief, cut(progress, rowBrief), cut(result, 2*rowBrief))
	return cut(md, budget) + link
}

// briefRows is rows with the commit list replaced by its length.
func (b *Bot) briefRows(lang string, rows [][2]string, commits int) [][2]string {
	out := make([][2]string, len(rows))
	label := b.t(lang, "card.commits")
	for i, row := range rows {
		if row[0] == label {
			row[1] = b.t(lang, "card.commits_count", "n", commits)
		}
		out[i] = row
	}
	return out
}

// detailsLink is a markdown line linking to the release on the dashboard,
// or "" when no public URL is configured.
func (b *Bot) detailsLink(lang string, r core.Release) string {
	if b.cfg.PublicURL == "" {
		return ""
	}
	u := strings.TrimRight(b.cfg.PublicURL, "/") + "/apps/" + url.PathEscape(r.App) + "#release-" +
		strconv.FormatInt(int64(r.ID), 10)
	return "\n[" + b.t(lang, "card.details") + "](" + u + ")\n"
}

// fitResult is the result variable: with the output tail when it fits,
// else without it, else cut.
func (b *Bot) fitResult(lang string, r core.Release, full string) string {
	if len(full) <= CardValueMax {
		return full
	}
	return FitCardValue(b.cardResult(lang, r, 0))
}

// fitCommits is the commits variable: as many whole commits as fit, and
// how many more there are.
// fitCommitsParam is the card's commits value within the budget: the
// git range's lists when the plan has one, cut after the last whole
// commit that fits; else the stored list, whole commits while they fit.
func (b *Bot) fitCommitsParam(lang string, p core.Plan) string {
	if p.Changes == nil {
		return fitCommits(p.Commits)
	}
	s := b.commitsParam(lang, p)
	if len(s) <= CardValueMax {
		return s
	}
	head := cut(s, CardValueMax)
	if i := strings.LastIndexAny(head, ";\n"); i > 0 {
		return head[:i] + mark
	}
	return head
}

func fitCommits(cs []core.Commit) string {
	all := commitList(cs)
	if len(all) <= CardValueMax {
		return all
	}
	const reserve = len(" (+9999)")
	var out strings.Builder
	for i, c := range cs {
		one, sep := commitList([]core.Commit{c}), "; "
		if i == 0 {
			one, sep = cut(one, CardValueMax-reserve), ""
		}
		if out.Len()+len(sep)+len(one)+reserve > CardValueMax {
			out.WriteString(" (+" + strconv.Itoa(len(cs)-i) + ")")
			break
		}
		out.WriteString(sep + one)
	}
	return FitCardValue(out.String())
}
