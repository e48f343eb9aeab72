package stream

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/chatbot"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/payload"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// inbound is a chat message as recorded in the inbox: dingops's own message
// plus where to reply.
type inbound struct {
	Message        bot.Message `json:"message"`
	Webhook        string      `json:"webhook,omitempty"`
	WebhookExpires time.Time   `json:"webhook_expires"`
}

// onBotFrame records a chat message and returns, so the SDK acks it at
// once; the pool handles it. A message recorded before is not recorded
// again, which makes DingTalk's redeliveries harmless; it is queued again in
// case it is still unhandled (the pool's claim skips a done or leased one).
// While the store cannot record it, the frame is held unacknowledged —
// retried until the connection goes — because an acked message that was
// not recorded would be lost.
func (t *Transport) onBotFrame(ctx context.Context, df *payload.DataFrame) (*payload.DataFrameResponse, error) {
	in, skip, err := convertBotMessage([]byte(df.Data), t.now())
	if err != nil {
		t.log.ErrorContext(ctx, "dropping a bot message frame that does not decode", "frame", df.GetMessageId(), "err", err)
		return payload.NewSuccessDataFrameResponse(), nil
	}
	if skip != "" {
		t.log.DebugContext(ctx, "ignoring bot message", "msg_id", in.Message.ID, "why", skip)
		return payload.NewSuccessDataFrameResponse(), nil
	}
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encoding message %s: %w", in.Message.ID, err)
	}
	m := in.Message
	fresh, err := t.record(ctx, store.InboundMessage{MsgID: m.ID, ReceivedAt: t.now(), ChatID: m.ChatID,
		Sender: m.StaffID, Body: string(body)})
	if err != nil {
		return nil, err
	}
	if !fresh {
		t.log.InfoContext(ctx, "a repeated bot message", "msg_id", m.ID, "frame", df.GetMessageId())
	}
	if t.cfg.afterRecord == nil || t.cfg.afterRecord(m.ID) {
		t.enqueue(m.ID)
	}
	return payload.NewSuccessDataFrameResponse(), nil
}

// record stores an inbound message, retrying with backoff while the store
// fails and the frame's connection lives. Each attempt runs on a context
// the connection cannot cancel, so an insert never commits while reporting
// "canceled".
func (t *Transport) record(ctx context.Context, in store.InboundMessage) (bool, error) {
	delay := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		fresh, err := t.inbox.Record(actx, in)
		cancel()
		if err == nil {
			return fresh, nil
		}
		t.log.ErrorContext(ctx, "recording bot message; holding its ack and retrying", "msg_id", in.MsgID, "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return false, fmt.Errorf("recording message %s: %w (connection gone: DingTalk delivers it again)", in.MsgID, err)
		case <-time.After(delay):
		}
		delay = min(2*delay, 5*time.Second)
	}
}

// convertBotMessage turns the SDK's callback model into dingops's message.
// skip says why a message is none of the bot's business: its own message,
// or a group message that does not @-mention it.
func convertBotMessage(data []byte, now time.Time) (inbound, string, error) {
	var d chatbot.BotCallbackDataModel
	if err := json.Unmarshal(data, &d); err != nil {
		return inbound{}, "", fmt.Errorf("decoding bot message: %w", err)
	}
	group := d.ConversationType == "2"
	m := bot.Message{ID: d.MsgId, ChatID: d.ConversationId, Group: group, StaffID: d.SenderStaffId, Nick: d.SenderNick,
		Text: strings.TrimSpace(messageText(d)), Origin: core.OriginText, At: now}
	if d.CreateAt > 0 {
		m.At = time.UnixMilli(d.CreateAt).UTC()
	}
	in := inbound{Message: m, Webhook: d.SessionWebhook}
	if d.SessionWebhookExpiredTime > 0 {
		in.WebhookExpires = time.UnixMilli(d.SessionWebhookExpiredTime).UTC()
	}
	switch {
	case d.MsgId == "":
		return in, "", fmt.Errorf("decoding bot message: no msgId")
	case d.SenderId != "" && d.SenderId == d.ChatbotUserId:
		return in, "the robot's own message", nil
	case group && !d.IsInAtList:
		return in, "a group message that does not mention the robot", nil
	}
	return in, "", nil
}

// messageText is what the user typed: text.content, or the text parts of a
// rich-text message (which keep the @-mentions; the parser skips them).
func messageText(d chatbot.BotCallbackDataModel) string {
	if d.Msgtype != "richText" {
		return d.Text.Content
	}
	raw, err := json.Marshal(d.Content)
	if err != nil {
		return ""
	}
	var rich struct {
		RichText []struct {
			Text string `json:"text"`
		} `json:"richText"`
	}
	if json.Unmarshal(raw, &rich) != nil {
		return ""
	}
	parts := make([]string, 0, len(rich.RichText))
	for _, p := range rich.RichText {
		parts = append(parts, p.Text)
	}
	return strings.Join(parts, " ")
}
