package bot

// The sentences of the smaller fixes of issue 20: /status's window line,
// the build row of a card.

var catalogSmallZH = map[string]string{
	"status.window_open":      "发布窗口：开放中，{until} 关闭",
	"status.window_open_long": "发布窗口：开放中",
	"status.window_closed":    "发布窗口：{why}，下次开放：{next}",
	"status.window_none":      "发布窗口：未设置，除日历封版期外随时可以发布",
	"card.build_queued":       "排队中，尚未开始",
}

var catalogSmallEN = map[string]string{
	"status.window_open":      "Release window: open now, closes {until}",
	"status.window_open_long": "Release window: open now",
	"status.window_closed":    "Release window: {why}; next opens {next}",
	"status.window_none":      "Release window: none; open any time except during calendar freezes",
	"card.build_queued":       "queued, not started yet",
}
