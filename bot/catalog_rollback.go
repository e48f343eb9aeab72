package bot

// catalogRollbackZH holds the sentences of the Roll back button of
// finished cards (card_rollback.go, bot/stream/rollback_click.go) and of
// the user-visible confirmation line (card_visible.go).
var catalogRollbackZH = map[string]string{
	"card.rollback":           "回滚到 v{version}",
	"card.rollback_hint":      "如需回滚到 v{version}：点击「回滚」按钮，或发送 /rollback {app}",
	"card.rollback_hint_text": "如需回滚到 v{version}：发送 /rollback {app}",
	"stream.rollback_filed":   "已提交 {release}，审批卡片已发到应用的群",
	"visible.label":           "用户可见",
	"visible.switched":        "切换于 {at}",
	"visible.step.cdn":        "CDN 刷新完成于 {at}",
	"visible.served":          "用户自 {at} 起获得 v{version}（T+{after}）",
	"visible.confirming":      "确认中…",
	"visible.not_confirmed":   "未确认（超时；发布本身已成功）",
}

// catalogRollbackEN is catalogRollbackZH in English.
var catalogRollbackEN = map[string]string{
	"card.rollback":           "Roll back to v{version}",
	"card.rollback_hint":      "To roll back to v{version}: press Roll back, or send /rollback {app}",
	"card.rollback_hint_text": "To roll back to v{version}: send /rollback {app}",
	"stream.rollback_filed":   "Filed {release}; its approval card is in the app's chats",
	"visible.label":           "Users",
	"visible.switched":        "switched at {at}",
	"visible.step.cdn":        "CDN refresh done at {at}",
	"visible.served":          "users served v{version} since {at} (T+{after})",
	"visible.confirming":      "confirming…",
	"visible.not_confirmed":   "not confirmed (timed out; the release itself succeeded)",
}
