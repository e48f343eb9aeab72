package bot

// catalogLangZH holds the words of the engine's fixed notes (notes.go):
// who cancelled a release, an approval that expired, the lock a rollback
// leaves. The engine stores them in English for logs and exports; people
// read these.
var catalogLangZH = map[string]string{
	"note.cancelled_by":  "操作人 {by}",
	"note.expired":       "审批超时，无人处理",
	"note.rollback_lock": "回滚到 v{version}",
}

// catalogLangEN is catalogLangZH in English.
var catalogLangEN = map[string]string{
	"note.cancelled_by":  "by {by}",
	"note.expired":       "nobody decided in time",
	"note.rollback_lock": "rollback to v{version}",
}
