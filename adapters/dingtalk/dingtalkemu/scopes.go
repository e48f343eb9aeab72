package dingtalkemu

import (
	"net/http"

	"github.com/dingops/dingops/adapters/dingtalk"
)

// apiScopes is the permission (scope code) each emulated OpenAPI needs, as
// the APIs' documentation lists under 权限要求 (docs/dingtalk-setup.md).
var apiScopes = map[string]string{
	dingtalk.APICreateAndDeliver:    dingtalk.ScopeCardInstanceWrite,
	dingtalk.APIUpdateCard:          dingtalk.ScopeCardInstanceWrite,
	dingtalk.APIOrgGroupSend:        dingtalk.ScopeRobotSend,
	dingtalk.APIBatchSendOTO:        dingtalk.ScopeRobotSend,
	dingtalk.APIListMiniAppVersions: dingtalk.ScopeMicroAppList,
	dingtalk.APIMiniAppHistory:      dingtalk.ScopeMicroAppList,
	dingtalk.APIPublishMiniApp:      dingtalk.ScopeMicroAppManage,
	dingtalk.APIRollbackMiniApp:     dingtalk.ScopeMicroAppManage,
}

// Withhold makes the app lack permission scope (e.g. "Card.Instance.Write"):
// every API needing it answers as DingTalk does when the permission was not
// granted — HTTP 403 Forbidden.AccessDenied.AccessTokenPermissionDenied
// with accessdenieddetail.requiredScopes. Grant gives it back.
func (s *Server) Withhold(scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.withheld == nil {
		s.st.withheld = map[string]bool{}
	}
	s.st.withheld[scope] = true
}

// Grant undoes Withhold.
func (s *Server) Grant(scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.st.withheld, scope)
}

// permissionFault is the answer to api when its scope is withheld; s.mu is
// held. The body is the one DingTalk sends (seen in casdoor/casdoor PR
// #4469 for GET /v1.0/contact/users/me without Contact.User.Read):
//
//	{"code":"Forbidden.AccessDenied.AccessTokenPermissionDenied","requestid":"…",
//	 "message":"没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp-server/add-api-permission",
//	 "accessdenieddetail":{"requiredScopes":["Contact.User.Read"]}}
func (s *Server) permissionFault(api string) *Fault {
	scope, ok := apiScopes[api]
	if !ok || !s.st.withheld[scope] {
		return nil
	}
	return &Fault{Status: http.StatusForbidden, Code: dingtalk.CodePermissionDenied,
		Message: "没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp-server/add-api-permission"}
}
