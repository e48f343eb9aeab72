package stream

import (
	"context"
	"errors"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/bot"
)

// webhookMargin keeps a session webhook that is about to expire from being
// tried: the robot API answers just as well.
const webhookMargin = time.Minute

// directBatch is the most users one 1:1 send takes (BatchSendOTO).
const directBatch = 20

// deliver sends what the bot answered: the text to the sender's chat (or
// only to the sender), the cards to their chats, direct messages 1:1.
func (t *Transport) deliver(ctx context.Context, in inbound, resp bot.Response) {
	if resp.Text != "" {
		t.reply(ctx, in, resp.Text, resp.Private)
	}
	if resp.Card != nil && resp.Release != nil {
		t.postCards(ctx, in.Message, resp)
	}
	for _, d := range resp.Direct {
		t.direct(ctx, d.Users, d.Text)
	}
}

// reply answers in the message's chat: by its session webhook while that
// is valid, else (or when DingTalk refuses it, e.g. errcode 300001 for an
// expired session) by the robot's group or 1:1 send API.
func (t *Transport) reply(ctx context.Context, in inbound, text string, private bool) {
	m := in.Message
	if private && m.StaffID != "" {
		t.direct(ctx, []string{m.StaffID}, text)
		return
	}
	if in.Webhook != "" && t.now().Add(webhookMargin).Before(in.WebhookExpires) {
		err := t.api.ReplyBySession(ctx, in.Webhook, text)
		if err == nil {
			return
		}
		t.apiError(ctx, "session reply failed, using the robot API", err, "msg_id", m.ID, "expired", dingtalk.IsSessionExpired(err))
	}
	switch {
	case m.Group:
		if _, err := t.api.SendGroupMessage(ctx, m.ChatID, markdown(text)); err != nil {
			t.apiError(ctx, "replying in group", err, "msg_id", m.ID, "chat", m.ChatID)
		}
	case m.StaffID != "":
		t.direct(ctx, []string{m.StaffID}, text)
	default:
		t.log.WarnContext(ctx, "cannot reply: the session expired and the sender has no staff id", "msg_id", m.ID)
	}
}

// direct sends text to users' 1:1 chats with the robot, 20 at a time.
func (t *Transport) direct(ctx context.Context, users []string, text string) {
	for len(users) > 0 {
		n := min(len(users), directBatch)
		res, err := t.api.SendDirect(ctx, users[:n], dingtalk.Text(text))
		if err != nil {
			t.apiError(ctx, "sending direct message", err, "users", users[:n])
		} else if len(res.Invalid)+len(res.FlowControlled) > 0 {
			t.log.WarnContext(ctx, "direct message not delivered to everyone", "invalid", res.Invalid,
				"flow_controlled", res.FlowControlled)
		}
		users = users[n:]
	}
}

// markdown is a robot markdown message; its title (shown in the chat list)
// is the text's first line without markdown marks.
func markdown(text string) dingtalk.Message {
	return dingtalk.Markdown(dingtalk.TitleOf(text), text)
}

// apiError logs a failed OpenAPI call with the API and DingTalk's code.
func (t *Transport) apiError(ctx context.Context, msg string, err error, kv ...any) {
	var ae *dingtalk.APIError
	if errors.As(err, &ae) {
		kv = append(kv, "api", ae.API, "status", ae.Status, "code", ae.Code, "request_id", ae.RequestID)
	}
	t.log.ErrorContext(ctx, msg, append(kv, "err", err)...)
}
