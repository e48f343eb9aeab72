package bot

// catalogLangZH holds the words of the engine's fixed notes (notes.go):
// who cancelled a release, an approval that expired, the lock a rollback
// leaves, the step a release failed at (its detail is the outside
// system's own message). The engine stores them in English for logs and exports; people
// read these.
var catalogLangZH = map[string]string{
	"note.cancelled_by":  "操作人 {by}",
	"note.expired":       "审批超时，无人处理",
	"note.rollback_lock": "回滚到 v{version}",

	"note.fail.deploy":      "部署出错：{detail}",
	"note.fail.build_start": "无法启动构建：{detail}",
	"note.fail.build_wait":  "等待构建结果时出错：{detail}",
	"note.fail.build":       "构建未成功（{detail}）",
	"note.fail.precheck":    "开始执行时无法复查：{detail}",
}

// catalogLangEN is catalogLangZH in English.
var catalogLangEN = map[string]string{
	"note.cancelled_by":  "by {by}",
	"note.expired":       "nobody decided in time",
	"note.rollback_lock": "rollback to v{version}",

	"note.fail.deploy":      "deploy failed: {detail}",
	"note.fail.build_start": "starting the build failed: {detail}",
	"note.fail.build_wait":  "waiting for the build failed: {detail}",
	"note.fail.build":       "build {detail}",
	"note.fail.precheck":    "the pre-checks could not run when work started: {detail}",
}
