package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dingops/dingops/adapters/dingtalk"
)

// DingTalkAPI is what the DingTalk checks call.
type DingTalkAPI interface {
	AccessToken(ctx context.Context) (string, error)
	OpenStreamTicket(ctx context.Context) error
	MiniAppVersions(ctx context.Context, agentID string) ([]dingtalk.MiniAppVersion, error)
}

// DingTalkSetup is the dingtalk section as the checks need it.
type DingTalkSetup struct {
	ClientID  string
	SecretEnv string
	SecretSet bool
	RobotCode string
	MiniApps  map[string]string // app → agent id
}

// DingTalkChecks are the access token, the stream ticket, the robot code
// and each mini program's version list.
func DingTalkChecks(api DingTalkAPI, s DingTalkSetup) []Check {
	const in = "dingtalk"
	if !s.SecretSet {
		return []Check{MissingEnv(in, "client secret", "dingtalk.client_secret_env", s.SecretEnv)}
	}
	out := []Check{
		{in, "access token", "POST /v1.0/oauth2/accessToken as " + s.ClientID, func(ctx context.Context) Outcome {
			if _, err := api.AccessToken(ctx); err != nil {
				return dingtalkFailure(err, s)
			}
			return Pass("issued")
		}},
		{in, "stream connection", "POST /v1.0/gateway/connections/open (ticket only, no connection)", func(ctx context.Context) Outcome {
			if err := api.OpenStreamTicket(ctx); err != nil {
				return dingtalkFailure(err, s)
			}
			return Pass("ticket issued")
		}},
		Static(in, "robot code", "dingtalk.robot_code", Pass("%s (a post proves it: --card-chat)", s.RobotCode)),
	}
	for _, app := range sortedKeys(s.MiniApps) {
		agent := s.MiniApps[app]
		out = append(out, Check{in, "app " + app + ": mini program", "GET /v1.0/microApp/innerMiniApps/" + agent + "/versions",
			func(ctx context.Context) Outcome {
				vs, err := api.MiniAppVersions(ctx, agent)
				if err != nil {
					return dingtalkFailure(err, s)
				}
				return Pass("agent %s: %d versions", agent, len(vs))
			}})
	}
	return out
}

// dingtalkFailure names the fix for a DingTalk error: the permission a
// permission-denied answer lists, the credentials, or the address.
func dingtalkFailure(err error, s DingTalkSetup) Outcome {
	if scopes := dingtalk.MissingScopes(err); len(scopes) > 0 {
		return FailedErr(err, "request the permission "+ScopeList(scopes)+" on the app's 权限管理 (Permissions) page of the "+
			"DingTalk developer console (open-dev.dingtalk.com), and have an administrator approve it")
	}
	var ae *dingtalk.APIError
	if errors.As(err, &ae) && (ae.Code == dingtalk.CodeInvalidAuthentication || ae.Code == "invalidClientIdOrSecret" || ae.Status == 401) {
		return FailedErr(err, fmt.Sprintf("check dingtalk.client_id (%s) and the value of %s: they are the app's Client ID "+
			"and Client Secret on the developer console's 凭证与基础信息 page", s.ClientID, s.SecretEnv))
	}
	if ae != nil {
		return FailedErr(err, "see DingTalk's code above in the API's documentation")
	}
	return FailedErr(err, "check dingtalk.endpoint / dingtalk.stream_host and that this host can reach them")
}

// ScopeList is scopes as the console shows them: 名称 (code).
func ScopeList(scopes []string) string {
	parts := make([]string, len(scopes))
	for i, sc := range scopes {
		parts[i] = sc
		if n := dingtalk.ScopeNames[sc]; n != "" {
			parts[i] = n + " (" + sc + ")"
		}
	}
	return strings.Join(parts, ", ")
}
