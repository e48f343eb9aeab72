package bot

import "strings"

// buildText is the card's build row: "[#42](page)" once the build has a
// number, "queued" before; a builder that cannot name its builds shows
// its reference as it is.
func (b *Bot) buildText(lang, ref string) string {
	if b.cfg.Builds == nil {
		return Neutral(ref)
	}
	label, url := b.cfg.Builds.BuildLink(ref)
	switch {
	case label == "":
		return b.t(lang, "card.build_queued")
	case strings.HasPrefix(url, "https://") || strings.HasPrefix(url, "http://"):
		return "[" + Neutral(label) + "](" + strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(url) + ")"
	}
	return Neutral(label)
}
