package dingtalk

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/alibabacloud-go/dingtalk/robot_1_0"
	"github.com/alibabacloud-go/tea/tea"
)

// Message is a robot message: its msgKey and the msgParam object that goes
// over the wire as a JSON string. Build it with Markdown or Text.
type Message struct {
	Key   string
	Param map[string]string
}

// Markdown is a sampleMarkdown message; title shows in notifications.
func Markdown(title, text string) Message {
	return Message{Key: "sampleMarkdown", Param: map[string]string{"title": title, "text": text}}
}

// Text is a sampleText message.
func Text(content string) Message {
	return Message{Key: "sampleText", Param: map[string]string{"content": content}}
}

func (m Message) paramJSON() (string, error) {
	if m.Key == "" {
		return "", errors.New("message has no msgKey")
	}
	b, err := json.Marshal(m.Param)
	return string(b), err
}

// DirectResult is DingTalk's answer to a 1:1 send: staff ids it refused or
// throttled are not an error of the call.
type DirectResult struct {
	ProcessQueryKey string
	Invalid         []string
	FlowControlled  []string
}

// SendGroupMessage posts m into a group the robot is in (OrgGroupSend); use
// it for anything scheduled or slow, where the session webhook may be gone.
func (c *Client) SendGroupMessage(ctx context.Context, conversationID string, m Message) (string, error) {
	param, err := m.paramJSON()
	if err != nil {
		return "", err
	}
	req := &robot_1_0.OrgGroupSendRequest{RobotCode: tea.String(c.cfg.RobotCode),
		OpenConversationId: tea.String(conversationID), MsgKey: tea.String(m.Key), MsgParam: tea.String(param)}
	resp, err := withToken(ctx, c, APIOrgGroupSend, func(tok string) (*robot_1_0.OrgGroupSendResponse, error) {
		h := &robot_1_0.OrgGroupSendHeaders{XAcsDingtalkAccessToken: tea.String(tok)}
		return use(c.robot, func(sc *robot_1_0.Client) (*robot_1_0.OrgGroupSendResponse, error) {
			return sc.OrgGroupSendWithOptions(req, h, c.runtime())
		})
	})
	if err != nil {
		return "", err
	}
	if resp == nil || resp.Body == nil {
		return "", nil
	}
	return tea.StringValue(resp.Body.ProcessQueryKey), nil
}

// SendDirect sends m to staff ids in their 1:1 chats with the robot
// (BatchSendOTO).
func (c *Client) SendDirect(ctx context.Context, staffIDs []string, m Message) (DirectResult, error) {
	param, err := m.paramJSON()
	if err != nil {
		return DirectResult{}, err
	}
	req := &robot_1_0.BatchSendOTORequest{RobotCode: tea.String(c.cfg.RobotCode),
		UserIds: tea.StringSlice(staffIDs), MsgKey: tea.String(m.Key), MsgParam: tea.String(param)}
	resp, err := withToken(ctx, c, APIBatchSendOTO, func(tok string) (*robot_1_0.BatchSendOTOResponse, error) {
		h := &robot_1_0.BatchSendOTOHeaders{XAcsDingtalkAccessToken: tea.String(tok)}
		return use(c.robot, func(sc *robot_1_0.Client) (*robot_1_0.BatchSendOTOResponse, error) {
			return sc.BatchSendOTOWithOptions(req, h, c.runtime())
		})
	})
	if err != nil || resp == nil || resp.Body == nil {
		return DirectResult{}, err
	}
	b := resp.Body
	return DirectResult{ProcessQueryKey: tea.StringValue(b.ProcessQueryKey),
		Invalid: tea.StringSliceValue(b.InvalidStaffIdList), FlowControlled: tea.StringSliceValue(b.FlowControlledStaffIdList)}, nil
}
