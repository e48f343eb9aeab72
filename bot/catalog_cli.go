package bot

// catalogCLIZH holds what the shell commands say to the person running
// them (bot/cli: record, windows), in the configured language like every
// reply; flag errors, which come before a configuration is read, stay
// English.
var catalogCLIZH = map[string]string{
	"cli.recorded":         "已记录 {release}：{artifact}（现在线上）",
	"cli.already_recorded": "已经记录过：{release} {artifact}",

	"cli.windows.none":      "没有配置发布窗口：所有应用随时可以发布",
	"cli.windows.always":    "{app}：没有发布窗口（随时可以发布）",
	"cli.windows.header":    "{app}（时间为 {zone}）：",
	"cli.windows.holiday":   "不开放：{name}假期",
	"cli.windows.freeze":    "不开放：封版期（{name}）",
	"cli.windows.no_data":   "不开放：没有这天的节假日数据",
	"cli.windows.no_window": "不开放：这天没有窗口",
	"cli.windows.weekend":   "不开放：周末",
	"cli.windows.makeup":    "（{name}调休上班）",
	"cli.windows.workday":   "（按配置为工作日：{name}）",
}

// catalogCLIEN is catalogCLIZH in English.
var catalogCLIEN = map[string]string{
	"cli.recorded":         "recorded {release}: {artifact} (now live)",
	"cli.already_recorded": "already recorded: {release} {artifact}",

	"cli.windows.none":      "no release windows are configured: every app may release any time",
	"cli.windows.always":    "{app}: no release window (open any time)",
	"cli.windows.header":    "{app} (times in {zone}):",
	"cli.windows.holiday":   "closed: holiday {name}",
	"cli.windows.freeze":    "closed: freeze {name}",
	"cli.windows.no_data":   "closed: no holiday data for this day",
	"cli.windows.no_window": "closed: no window this day",
	"cli.windows.weekend":   "closed: weekend",
	"cli.windows.makeup":    "  (make-up working day {name})",
	"cli.windows.workday":   "  (working day by override {name})",
}
