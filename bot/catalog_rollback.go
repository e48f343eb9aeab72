package bot

import "maps"

// catalogRollbackZH holds the sentences of the Roll back button of
// finished cards (card_rollback.go, bot/stream/rollback_click.go).
var catalogRollbackZH = map[string]string{
	"card.rollback":           "回滚到 v{version}",
	"card.rollback_hint":      "如需回滚到 v{version}：点击「回滚」按钮，或发送 /rollback {app}",
	"card.rollback_hint_text": "如需回滚到 v{version}：发送 /rollback {app}",
	"stream.rollback_filed":   "已提交 {release}，审批卡片已发到应用的群",
}

// catalogRollbackEN is catalogRollbackZH in English.
var catalogRollbackEN = map[string]string{
	"card.rollback":           "Roll back to v{version}",
	"card.rollback_hint":      "To roll back to v{version}: press Roll back, or send /rollback {app}",
	"card.rollback_hint_text": "To roll back to v{version}: send /rollback {app}",
	"stream.rollback_filed":   "Filed {release}; its approval card is in the app's chats",
}

// withRollback merges the Roll back sentences into a catalogue being built.
func withRollback(text map[string]map[string]string) map[string]map[string]string {
	extra := map[string]map[string]string{"zh": catalogRollbackZH, "en": catalogRollbackEN}
	out := make(map[string]map[string]string, len(text))
	for lang, m := range text {
		merged := maps.Clone(m)
		maps.Copy(merged, extra[lang])
		out[lang] = merged
	}
	return out
}
