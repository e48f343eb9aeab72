package dingtalk

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/alibabacloud-go/tea/tea"
)

// API names, as APIError.API reports them and the emulator's fault
// injection takes them.
const (
	APIGetAccessToken      = "oauth2.GetAccessToken"
	APICreateAndDeliver    = "card.CreateAndDeliver"
	APIUpdateCard          = "card.UpdateCard"
	APIOrgGroupSend        = "robot.OrgGroupSend"
	APIBatchSendOTO        = "robot.BatchSendOTO"
	APIListMiniAppVersions = "microApp.ListInnerAppVersion"
	APIMiniAppHistory      = "microApp.PageInnerAppHistoryVersion"
	APIPublishMiniApp      = "microApp.PublishInnerAppVersion"
	APIRollbackMiniApp     = "microApp.RollbackInnerAppVersion"
	APISessionReply        = "session.Reply"
)

// Error codes callers branch on.
const (
	CodeInvalidAuthentication = "InvalidAuthentication"
	CodeSessionExpired        = "300001"
	CodeDeliverFailed         = "deliverFailed"
	CodeSDKPanic              = "sdkPanic"
)

// APIError is DingTalk refusing a call: an HTTP error answer, an errcode in a
// 200 answer (session webhooks), or a card that was not delivered.
type APIError struct {
	API       string // e.g. "card.CreateAndDeliver"
	Status    int    // HTTP status; 0 when no answer was parsed
	Code      string // DingTalk's code, e.g. "param.templateNotExist", "300001"
	Message   string
	RequestID string
	// RequiredScopes are the permissions a permission-denied answer names.
	RequiredScopes []string
}

// Error reads like "DingTalk card.CreateAndDeliver failed: 400 param.templateNotExist: 模板不存在".
func (e *APIError) Error() string {
	s := fmt.Sprintf("DingTalk %s failed: %d %s: %s", e.API, e.Status, e.Code, e.Message)
	if e.RequestID != "" {
		s += " (request id " + e.RequestID + ")"
	}
	return s
}

// IsSessionExpired reports whether err is a session webhook that DingTalk no
// longer accepts (errcode 300001): reply through the OpenAPI instead.
func IsSessionExpired(err error) bool { return HasCode(err, CodeSessionExpired) }

// HasCode reports whether err is an APIError with DingTalk code code.
func HasCode(err error, code string) bool {
	var e *APIError
	return errors.As(err, &e) && e.Code == code
}

// convertError turns what the tea SDK returns into an APIError where
// DingTalk answered, and wraps anything else (network, timeouts).
func convertError(api string, err error) error {
	if err == nil {
		return nil
	}
	var sdk *tea.SDKError
	if !errors.As(err, &sdk) {
		return fmt.Errorf("calling DingTalk %s: %w", api, err)
	}
	e := &APIError{API: api, Status: tea.IntValue(sdk.StatusCode), Code: tea.StringValue(sdk.Code),
		Message: tea.StringValue(sdk.Message)}
	// Data is the error body plus statusCode; it holds the message without
	// the SDK's "code: 400, … request id: …" decoration.
	var body map[string]any
	if json.Unmarshal([]byte(tea.StringValue(sdk.Data)), &body) == nil {
		e.Message = firstString(body, e.Message, "message", "Message")
		e.RequestID = firstString(body, "", "requestid", "RequestId", "requestId")
		e.RequiredScopes = requiredScopes(body)
		if e.Status == 0 {
			if n, err := strconv.Atoi(fmt.Sprint(body["statusCode"])); err == nil {
				e.Status = n
			}
		}
	}
	return e
}

func firstString(m map[string]any, def string, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return def
}
