package web

import "github.com/dingops/dingops/core"

// visibleTexts is the optional side of Texts that words a deploy's
// user-visible confirmation (the bot's card line, bot/card_visible.go).
type visibleTexts interface {
	VisibleText(lang string, r core.Release, v *core.Visibility) (label, value string)
}

// visibleRows is the overview's confirmation row: how far the live
// release reached users (confirming, served since …, not confirmed).
func (s *Server) visibleRows(v *view, st core.AppStatus) []cardRow {
	vt, ok := s.cfg.Texts.(visibleTexts)
	if !ok || st.Live == nil || st.LiveVisible == nil {
		return nil
	}
	label, value := vt.VisibleText(v.Lang, *st.Live, st.LiveVisible)
	if value == "" {
		return nil
	}
	tone := "busy"
	switch {
	case st.LiveVisible.Confirmed():
		tone = "ok"
	case st.LiveVisible.TimedOut:
		tone = "warn"
	}
	return []cardRow{{Label: label, Value: value, Tone: tone}}
}
