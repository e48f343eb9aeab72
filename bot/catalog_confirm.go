package bot

// catalogConfirmZH holds the steps of the user-visible confirmation line
// (card_visible.go) that the container and mini-program targets report,
// and the confirmation column of /status and the dashboard.
var catalogConfirmZH = map[string]string{
	"visible.step.pods":   "旧 Pod 已全部下线于 {at}",
	"visible.step.online": "钉钉报告已上线于 {at}",
}

// catalogConfirmEN is catalogConfirmZH in English.
var catalogConfirmEN = map[string]string{
	"visible.step.pods":   "old pods gone at {at}",
	"visible.step.online": "DingTalk reports it online at {at}",
}
