package bot

// catalogBranchZH holds the sentences of /branch, /branches and release
// options (docs/branches.md). Kept apart from catalog_zh.go; NewCatalog
// merges them.
var catalogBranchZH = map[string]string{
	"usage.release":  "/release <应用> <分支> [选项=值…] [原因…] [--urgent]",
	"usage.branch":   "/branch <应用> <分支名> [需求…]",
	"usage.branches": "/branches <应用>",
	"help.branch":    "从主分支为一个需求拉出新分支（需求编号会链接到需求系统）",
	"help.branches":  "dingops 拉出的分支：需求、谁、何时、是否已发布",

	"parse.option_quote": "选项 {key} 的引号没有闭合。用法：{usage}",

	"reply.branch_cut":        "已为 {app} 拉出分支 {branch}，起点提交 {commit}。需求：{requirement}",
	"branches.empty":          "dingops 还没有为 {app} 拉过分支。",
	"branches.header":         "{app} 由 dingops 拉出的分支（最近 {n} 个）：",
	"branches.line":           "{branch} · {requirement} · {by} · {at} · {state}",
	"branches.released":       "已发布",
	"branches.unreleased":     "未发布",
	"branches.no_requirement": "（无需求）",
	"card.requirement":        "需求",
	"history.requirement":     " · 需求 {requirement}",
	"history.options":         " · 选项 {options}",
	"card.options":            "选项",
	"help.options":            "{app} 的发布选项（写在分支后，如 key=value）：",
	"help.option":             "{name}（{allowed}{default}{required}）{description}",
	"help.option_default":     "，默认 {value}",
	"help.option_required":    "，必填",

	"refusal.branch_name_invalid": "“{branch}”不是合法的分支名（git check-ref-format 的规则：不能含空格、~ ^ : ? * [ \\、..、@{，不能以 - 或 . 开头，不能以 / 、. 或 .lock 结尾）。",
	"refusal.branch_exists":       "{app} 的仓库里已有分支 {branch}，没有改动它。",
	"refusal.no_repo":             "{app} 没有配置仓库（repo），不能拉分支。",
	"refusal.branching_off":       "{app} 不能拉分支：没有配置 git。",
	"refusal.option_unknown":      "{app} 没有选项 {key}。可用的选项：{known}。",
	"refusal.option_did_you_mean": "{app} 没有选项 {key}，你是不是想写 {suggest}？可用的选项：{known}。",
	"refusal.options_none":        "{app} 没有发布选项，不能写 {key}=…。",
	"refusal.option_bad_value":    "选项 {key} 的值“{value}”不可用，可用的值：{allowed}。",
	"refusal.option_missing":      "{app} 的发布需要选项 {key}（{allowed}），请写成 {key}=…。",
	"refusal.option_duplicate":    "选项 {key} 写了两次。",
}

// catalogBranchEN is catalogBranchZH in English.
var catalogBranchEN = map[string]string{
	"usage.release":  "/release <app> <branch> [option=value…] [reason…] [--urgent]",
	"usage.branch":   "/branch <app> <name> [requirement…]",
	"usage.branches": "/branches <app>",
	"help.branch":    "cut a new branch from the main branch for one requirement (its id links to the tracker)",
	"help.branches":  "branches dingops cut: requirement, who, when, released or not",

	"parse.option_quote": "The quote in option {key} is not closed. Usage: {usage}",

	"reply.branch_cut":        "Cut {branch} for {app} from commit {commit}. Requirement: {requirement}",
	"branches.empty":          "dingops has cut no branches for {app} yet.",
	"branches.header":         "Branches dingops cut for {app} (latest {n}):",
	"branches.line":           "{branch} · {requirement} · {by} · {at} · {state}",
	"branches.released":       "released",
	"branches.unreleased":     "not released",
	"branches.no_requirement": "(no requirement)",
	"card.requirement":        "Requirement",
	"history.requirement":     " · requirement {requirement}",
	"history.options":         " · options {options}",
	"card.options":            "Options",
	"help.options":            "Release options of {app} (after the branch, as key=value):",
	"help.option":             "{name} ({allowed}{default}{required}) {description}",
	"help.option_default":     ", default {value}",
	"help.option_required":    ", required",

	"refusal.branch_name_invalid": "“{branch}” is not a valid branch name (git check-ref-format: no spaces, ~ ^ : ? * [ \\, .., @{; not starting with - or .; not ending in /, . or .lock).",
	"refusal.branch_exists":       "{app}'s repository already has a branch {branch}; it was left as it is.",
	"refusal.no_repo":             "{app} has no repository (repo) configured, so no branch can be cut.",
	"refusal.branching_off":       "{app} cannot cut branches: git is not configured.",
	"refusal.option_unknown":      "{app} has no option {key}. Its options: {known}.",
	"refusal.option_did_you_mean": "{app} has no option {key}; did you mean {suggest}? Its options: {known}.",
	"refusal.options_none":        "{app} has no release options, so {key}=… cannot be given.",
	"refusal.option_bad_value":    "Option {key} cannot be “{value}”; allowed: {allowed}.",
	"refusal.option_missing":      "Releases of {app} need option {key} ({allowed}): add {key}=….",
	"refusal.option_duplicate":    "Option {key} is given twice.",
}
