package bot

// catalogAlertsZH holds the sentences of alert-driven recovery
// (docs/alerts.md): the suggestion card, /alerts and the lines posted about
// alerts dingops does not act on. Kept apart from catalog_zh.go so the
// command catalogue is not touched by alert work; NewCatalog merges them.
var catalogAlertsZH = map[string]string{
	"usage.alerts": "/alerts [应用]",
	"help.alerts":  "未恢复的告警，以及 dingops 对每条告警做了什么",

	"suggest.title":          "🚨 {app} 告警：建议回滚到 v{target}",
	"suggest.live":           "v{version} 于 {ago}前上线（{by}，{at}）",
	"suggest.alert":          "告警 **{title}**{severity} 自 {since} 起触发{link}",
	"suggest.alert_resolved": "告警 **{title}** 已于 {at} 恢复",
	"suggest.severity":       "（{severity}）",
	"suggest.link":           "（[查看]({url})）",
	"suggest.question":       "回滚到 v{target}（{artifact}）吗？",
	"suggest.button":         "回滚到 v{target}",
	"suggest.instructions":   "点击按钮，或输入 /rollback {app} v{target}",
	"suggest.resolved":       "✅ 告警已于 {at} 全部恢复，未做任何操作。",
	"suggest.filed":          "已提交回滚申请 {release}（{by}）。",
	"suggest.label.live":     "线上",
	"suggest.label.alerts":   "告警",

	"alert.note.unattributed": "ℹ️ {app} 的告警 **{title}** 不在任何发布的观察期内，dingops 未做操作。",
	"alert.note.held":         "ℹ️ {app} 的告警 **{title}**：{why}dingops 未提交回滚。",
	"alert.note.refused":      "ℹ️ {app} 的告警 **{title}**：无法建议回滚：{why}",
	"alert.auto_dm":           "🚨 {app} 的告警 **{title}** 按 on_alert: auto 自动回滚到 v{target}：{release}。",

	"alerts.none":     "{app}没有未恢复的告警。",
	"alerts.header":   "{app}未恢复的告警：",
	"alerts.line":     "- {app} **{title}**（{source} {id}）自 {since}：{outcome}",
	"alerts.all_apps": "所有应用",

	"alert.outcome.suggested":    "已发出回滚建议卡片",
	"alert.outcome.added":        "已加入该发布的回滚建议",
	"alert.outcome.requested":    "已提交回滚申请",
	"alert.outcome.auto":         "已自动回滚",
	"alert.outcome.resolved":     "已恢复",
	"alert.outcome.unattributed": "不在观察期内，未操作",
	"alert.outcome.held":         "应用锁定或有进行中的发布，未操作",
	"alert.outcome.refused":      "无可回滚的版本，未操作",
	"alert.outcome.repeat":       "重复告警",

	"refusal.suggestion_not_found": "没有编号为 {id} 的回滚建议。",
	"refusal.suggestion_filed":     "这条建议已提交为回滚申请 {release}（{by}），请在它的卡片上审批。",
	"refusal.suggestion_resolved":  "告警已于 {at} 恢复，建议已关闭。仍要回滚请输入 /rollback {app}。",
	"refusal.alerts_off":           "这个 dingops 没有开启告警接收。",

	"history.alert":         "🚨 告警 {title}（{source} {id}）自 {since}，{status}：{outcome}",
	"alert.status.firing":   "触发中",
	"alert.status.resolved": "已恢复",
}

// catalogAlertsEN is catalogAlertsZH in English.
var catalogAlertsEN = map[string]string{
	"usage.alerts": "/alerts [app]",
	"help.alerts":  "open alerts, and what dingops did with each",

	"suggest.title":          "🚨 {app} alert: roll back to v{target}?",
	"suggest.live":           "v{version} went live {ago} ago (by {by}, {at})",
	"suggest.alert":          "alert **{title}**{severity} firing since {since}{link}",
	"suggest.alert_resolved": "alert **{title}** resolved at {at}",
	"suggest.severity":       " ({severity})",
	"suggest.link":           " ([link]({url}))",
	"suggest.question":       "Roll back to v{target} ({artifact})?",
	"suggest.button":         "Roll back to v{target}",
	"suggest.instructions":   "Click the button, or type /rollback {app} v{target}",
	"suggest.resolved":       "✅ Every alert resolved at {at}, no action taken.",
	"suggest.filed":          "Rollback {release} filed ({by}).",
	"suggest.label.live":     "Live",
	"suggest.label.alerts":   "Alerts",

	"alert.note.unattributed": "ℹ️ Alert **{title}** on {app} is outside every release's watch; dingops did nothing.",
	"alert.note.held":         "ℹ️ Alert **{title}** on {app}: {why} dingops filed no rollback.",
	"alert.note.refused":      "ℹ️ Alert **{title}** on {app}: no rollback to suggest: {why}",
	"alert.auto_dm":           "🚨 Alert **{title}** on {app} rolled it back to v{target} by itself (on_alert: auto): {release}.",

	"alerts.none":     "No open alerts for {app}.",
	"alerts.header":   "Open alerts for {app}:",
	"alerts.line":     "- {app} **{title}** ({source} {id}) since {since}: {outcome}",
	"alerts.all_apps": "every app",

	"alert.outcome.suggested":    "rollback suggestion card posted",
	"alert.outcome.added":        "added to the release's suggestion",
	"alert.outcome.requested":    "rollback request filed",
	"alert.outcome.auto":         "rolled back by itself",
	"alert.outcome.resolved":     "resolved",
	"alert.outcome.unattributed": "outside every watch, nothing done",
	"alert.outcome.held":         "locked or a release in progress, nothing done",
	"alert.outcome.refused":      "no version to roll back to, nothing done",
	"alert.outcome.repeat":       "repeat",

	"refusal.suggestion_not_found": "There is no rollback suggestion {id}.",
	"refusal.suggestion_filed":     "This suggestion was filed as rollback {release} ({by}); decide on its card.",
	"refusal.suggestion_resolved":  "The alerts resolved at {at}; the suggestion is closed. To roll back anyway, type /rollback {app}.",
	"refusal.alerts_off":           "This dingops does not receive alerts.",

	"history.alert":         "🚨 alert {title} ({source} {id}) since {since}, {status}: {outcome}",
	"alert.status.firing":   "firing",
	"alert.status.resolved": "resolved",
}
