package dingtalk

import "errors"

// CodePermissionDenied is DingTalk's answer (HTTP 403) to an API the app
// was not granted the permission for; the body's
// accessdenieddetail.requiredScopes names the permission. Seen in
// casdoor/casdoor PR #4469 (GET /v1.0/contact/users/me without
// Contact.User.Read).
const CodePermissionDenied = "Forbidden.AccessDenied.AccessTokenPermissionDenied"

// The permission scopes dingops's APIs need, as docs/dingtalk-setup.md
// lists them with their console names.
const (
	ScopeCardInstanceWrite = "Card.Instance.Write"     // 互动卡片实例写权限
	ScopeRobotSend         = "qyapi_robot_sendmsg"     // 企业内机器人发送消息权限
	ScopeMicroAppManage    = "qyapi_microapp_manage"   // 管理微应用的权限
	ScopeMicroAppList      = "qyapi_get_microapp_list" // 企业已安装的应用列表查询权限
)

// ScopeNames are the developer console's names of the scopes above.
var ScopeNames = map[string]string{
	ScopeCardInstanceWrite: "互动卡片实例写权限",
	ScopeRobotSend:         "企业内机器人发送消息权限",
	ScopeMicroAppManage:    "管理微应用的权限",
	ScopeMicroAppList:      "企业已安装的应用列表查询权限",
}

// MissingScopes is the permissions a permission-denied answer says the app
// lacks; nil for any other error.
func MissingScopes(err error) []string {
	var e *APIError
	if !errors.As(err, &e) || e.Code != CodePermissionDenied {
		return nil
	}
	return e.RequiredScopes
}

// requiredScopes reads accessdenieddetail.requiredScopes from an error body.
func requiredScopes(body map[string]any) []string {
	d, _ := body["accessdenieddetail"].(map[string]any)
	list, _ := d["requiredScopes"].([]any)
	var out []string
	for _, s := range list {
		if v, ok := s.(string); ok {
			out = append(out, v)
		}
	}
	return out
}
