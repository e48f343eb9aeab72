package web

// playgroundAlertTexts are the sentences of the playground's alert
// control and its suggestion cards (docs/alerts.md), and of its Argo CD
// panel, in lang (zh unless en); playgroundTexts adds them to the page's.
func playgroundAlertTexts(lang string) map[string]string {
	if lang == "en" {
		return map[string]string{
			"alerts.title":    "Alertmanager · fire an alert",
			"alerts.hint":     "Posts a real Alertmanager webhook (HighErrorRate, severity critical) to dingops's /api/v1/alerts/alertmanager. Within 30 minutes of a release going live, the bot offers its rollback.",
			"alerts.fire":     "Fire",
			"alerts.resolve":  "Resolve",
			"alerts.firing":   "firing since",
			"alerts.quiet":    "quiet",
			"alerts.outcome":  "dingops: ",
			"suggest.tag":     "alert",
			"argocd.title":    "catalog · Argo CD application",
			"argocd.app":      "application",
			"argocd.sync":     "sync",
			"argocd.health":   "health",
			"argocd.images":   "kustomize image",
			"argocd.image":    "image in the cluster",
			"argocd.rollout":  "rollout",
			"argocd.none":     "Argo CD is not running",
			"argocd.operated": "last operation",
		}
	}
	return map[string]string{
		"alerts.title":    "Alertmanager · 触发告警",
		"alerts.hint":     "向 dingops 的 /api/v1/alerts/alertmanager 发送一条真实的 Alertmanager webhook（HighErrorRate，critical）。发布上线后 30 分钟内的告警，机器人会给出回滚建议。",
		"alerts.fire":     "触发",
		"alerts.resolve":  "恢复",
		"alerts.firing":   "告警中，开始于",
		"alerts.quiet":    "无告警",
		"alerts.outcome":  "dingops：",
		"suggest.tag":     "告警",
		"argocd.title":    "catalog · Argo CD 应用",
		"argocd.app":      "应用",
		"argocd.sync":     "同步",
		"argocd.health":   "健康",
		"argocd.images":   "kustomize 镜像",
		"argocd.image":    "集群中的镜像",
		"argocd.rollout":  "滚动更新",
		"argocd.none":     "Argo CD 未运行",
		"argocd.operated": "上次操作",
	}
}
