package bot

import "maps"

// catalogAnnounceZH holds the sentences of scheduled announcements
// (bot/announce), in Chinese. They are kept apart from catalog_zh.go so
// announcements can be worked on without touching the command catalogue;
// WithAnnouncements merges them.
var catalogAnnounceZH = map[string]string{
	"announce.zone": "时区：{zone}",
	"announce.day":  "{date} {weekday}",
	"announce.min":  "{n} 分钟",

	"announce.window_open.title":    "🟢 发布窗口开放",
	"announce.window_open":          "**{apps}** 现在可以发布，窗口 {until} 关闭。",
	"announce.window_closing.title": "⏳ 发布窗口即将关闭",
	"announce.window_closing":       "**{apps}** 的发布窗口 {until} 关闭（还有 {left}），请抓紧完成发布。",
	"announce.next_window":          "下一个窗口：{next}",

	"announce.freeze_tomorrow.title": "🧊 明天起暂停发布：{name}",
	"announce.freeze_tomorrow":       "明天（{first}）起是**{name}**，到 {last}（含）为止，共 {days} 天暂停发布。",
	"announce.freeze_over.title":     "✅ 恢复发布：{name}结束",
	"announce.freeze_over":           "**{name}**（{first} 至 {last}）已结束，今天起恢复发布。",
	"announce.next_windows":          "下一个发布窗口：",
	"announce.today_windows":         "今天的发布窗口：",
	"announce.group":                 "- {apps}：{when}",
	"announce.none_today":            "今天没有窗口，下一个 {next}",

	"announce.digest.title":    "📊 发布周报",
	"announce.digest.range":    "{from} 至 {to}",
	"announce.digest.app":      "**{app}**：发布 {releases} 次（成功 {releases_ok}、失败 {releases_failed}），回滚 {rollbacks} 次（成功 {rollbacks_ok}、失败 {rollbacks_failed}）",
	"announce.digest.quiet":    "**{app}**：没有发布或回滚",
	"announce.digest.who":      "- 申请人：{who}",
	"announce.digest.failures": "- 失败：{list}",
	"announce.digest.more":     "等 {n} 个",
	"announce.digest.recover":  "- 恢复时间（回滚从申请到成功）：中位 {median}，最长 {max}",
}

// catalogAnnounceEN is catalogAnnounceZH in English.
var catalogAnnounceEN = map[string]string{
	"announce.zone": "Time zone: {zone}",
	"announce.day":  "{weekday} {date}",
	"announce.min":  "{n} min",

	"announce.window_open.title":    "🟢 Release window open",
	"announce.window_open":          "**{apps}** may release now; the window closes at {until}.",
	"announce.window_closing.title": "⏳ Release window closing",
	"announce.window_closing":       "The release window of **{apps}** closes at {until} (in {left}); finish releases in time.",
	"announce.next_window":          "Next window: {next}",

	"announce.freeze_tomorrow.title": "🧊 Releases pause from tomorrow: {name}",
	"announce.freeze_tomorrow":       "From tomorrow, {first}, through {last} it is **{name}** ({days} days): no releases.",
	"announce.freeze_over.title":     "✅ Releases resume: {name} is over",
	"announce.freeze_over":           "**{name}** ({first} to {last}) is over; releases resume today.",
	"announce.next_windows":          "Next release windows:",
	"announce.today_windows":         "Today's release windows:",
	"announce.group":                 "- {apps}: {when}",
	"announce.none_today":            "none today, next {next}",

	"announce.digest.title":    "📊 Weekly release digest",
	"announce.digest.range":    "{from} to {to}",
	"announce.digest.app":      "**{app}**: releases {releases} ({releases_ok} succeeded, {releases_failed} failed), rollbacks {rollbacks} ({rollbacks_ok} succeeded, {rollbacks_failed} failed)",
	"announce.digest.quiet":    "**{app}**: no releases or rollbacks",
	"announce.digest.who":      "- Requested by: {who}",
	"announce.digest.failures": "- Failed: {list}",
	"announce.digest.more":     "and {n} more",
	"announce.digest.recover":  "- Time to recover (rollback request to success): median {median}, max {max}",
}

// WithAnnouncements returns a copy of c that also holds the announcement
// sentences. The built-in maps are copied, never written to, so catalogues
// stay independent and safe for concurrent use.
func (c *Catalog) WithAnnouncements() *Catalog {
	out := &Catalog{text: make(map[string]map[string]string, len(c.text))}
	extra := map[string]map[string]string{"zh": catalogAnnounceZH, "en": catalogAnnounceEN}
	for lang, m := range c.text {
		merged := maps.Clone(m)
		maps.Copy(merged, extra[lang])
		out.text[lang] = merged
	}
	return out
}
