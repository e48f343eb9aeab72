package bot

// The sentences of `dingops chat` resuming a release that a stopped
// process (a killed `dingops chat`) left in flight.
var catalogResumeZH = map[string]string{
	"progress.resume": "{release} 停在“{status}”，执行它的进程已停止；在本进程内继续执行…",
	"progress.held":   "{release} 正在由 {holder} 执行（“{status}”，租约至 {until}）；若该进程已停止，之后的 dingops chat 或 serve 会继续执行。",
}

var catalogResumeEN = map[string]string{
	"progress.resume": "{release} was left {status} by a process that stopped; resuming it in this process…",
	"progress.held":   "{release} is {status} in {holder} (lease until {until}); if that process has stopped, the next dingops chat or serve resumes it after then.",
}
