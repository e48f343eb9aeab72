package web

import "maps"

// playgroundText words one sentence of the playground page; the page's
// script gets the whole table of its language (playgroundTexts).
func playgroundText(lang, key string) string {
	if s, ok := playgroundTexts(lang)[key]; ok {
		return s
	}
	return key
}

// playgroundTexts is the playground page's sentences in lang (zh unless en).
func playgroundTexts(lang string) map[string]string {
	t := playgroundZH()
	if lang == "en" {
		t = playgroundEN()
	}
	maps.Copy(t, playgroundAlertTexts(lang))
	return t
}

func playgroundZH() map[string]string {
	return map[string]string{
		"title":               "体验场",
		"intro":               "这是一个模拟的钉钉群：消息经钉钉模拟器进入真正的 dingops（机器人、引擎、适配器、工作进程），卡片和回复都是它真实发出的。右边是模拟器里此刻的线上状态。",
		"as":                  "你现在是",
		"role.requester":      "申请人 · frontend 团队",
		"role.approver":       "审批人 · sre 团队",
		"role.none":           "无权限 · 不在任何团队",
		"placeholder":         "输入指令，例如 /rollback web v2（已 @dingops）",
		"send":                "发送",
		"try":                 "试试：",
		"dashboard":           "发布看板",
		"empty":               "群里还没有消息。先试试下面的指令。",
		"only_you":            "仅你可见",
		"live":                "实时",
		"offline":             "重新连接中…",
		"failed":              "失败：",
		"side":                "线上状态（直接读自模拟器）",
		"web.title":           "web · OSS 静态前端",
		"web.fixed":           "固定清单",
		"web.source":          "内容来自",
		"web.loads":           "页面会加载",
		"web.missing":         "不存在",
		"web.none":            "固定清单还不存在",
		"api.title":           "api · Kubernetes Deployment",
		"api.image":           "镜像",
		"api.rollout":         "滚动状态",
		"api.pods":            "Pod",
		"api.history":         "历史版本",
		"mini.title":          "mini · 钉钉小程序",
		"mini.online":         "线上版本",
		"mini.versions":       "全部版本",
		"builds.title":        "Jenkins 构建",
		"builds.none":         "还没有构建。发布时会触发。",
		"builds.running":      "构建中",
		"ann.title":           "定时公告",
		"ann.send":            "现在发送",
		"ann.next":            "下次",
		"ann.sent":            "已发到群里",
		"ann.skipped":         "没有发送：",
		"ann.window_open":     "发布窗口打开",
		"ann.window_closing":  "发布窗口即将关闭",
		"ann.freeze_tomorrow": "明天起封版（节假日前一天才会发）",
		"ann.freeze_over":     "封版结束",
		"ann.weekly_digest":   "每周发布摘要",
		"dm.title":            "发给你的私聊消息",
		"dm.none":             "还没有。",
		"robot":               "机器人消息",
	}
}

func playgroundEN() map[string]string {
	return map[string]string{
		"title":               "Playground",
		"intro":               "A simulated DingTalk group: messages go through the DingTalk emulator into the real dingops (bot, engine, adapters, worker); every card and reply is what it actually sent. On the right: what is live in the emulators right now.",
		"as":                  "You are",
		"role.requester":      "requester · team frontend",
		"role.approver":       "approver · team sre",
		"role.none":           "no rights · in no team",
		"placeholder":         "Type a command, e.g. /rollback web v2 (dingops is @-mentioned)",
		"send":                "Send",
		"try":                 "Try:",
		"dashboard":           "Dashboard",
		"empty":               "No messages yet. Try one of the commands below.",
		"only_you":            "Only you can see this",
		"live":                "live",
		"offline":             "reconnecting…",
		"failed":              "Failed: ",
		"side":                "What is live (read from the emulators)",
		"web.title":           "web · static front-end on OSS",
		"web.fixed":           "fixed manifest",
		"web.source":          "copied from",
		"web.loads":           "the page loads",
		"web.missing":         "missing",
		"web.none":            "the fixed manifest does not exist yet",
		"api.title":           "api · Kubernetes Deployment",
		"api.image":           "image",
		"api.rollout":         "rollout",
		"api.pods":            "pods",
		"api.history":         "revisions",
		"mini.title":          "mini · DingTalk mini program",
		"mini.online":         "online version",
		"mini.versions":       "all versions",
		"builds.title":        "Jenkins builds",
		"builds.none":         "No builds yet. A release starts one.",
		"builds.running":      "building",
		"ann.title":           "Scheduled announcements",
		"ann.send":            "Send now",
		"ann.next":            "next",
		"ann.sent":            "sent to the group",
		"ann.skipped":         "not sent: ",
		"ann.window_open":     "release window opens",
		"ann.window_closing":  "release window closing soon",
		"ann.freeze_tomorrow": "freeze starts tomorrow (only sent the day before a holiday)",
		"ann.freeze_over":     "freeze is over",
		"ann.weekly_digest":   "weekly release digest",
		"dm.title":            "Direct messages to you",
		"dm.none":             "None yet.",
		"robot":               "robot message",
	}
}
