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
// plus where to reply. A card click kept in the spool while the store was
// down carries its command, run as the click would have been.
type inbound struct {
	Message        bot.Message  `json:"message"`
	Webhook        string       `json:"webhook,omitempty"`
	WebhookExpires time.Time    `json:"webhook_expires"`
	Command        *bot.Command `json:"command,omitempty"`
}

// onBotFrame takes a chat message and returns, so the SDK acks it at once;
// the pool handles it. DingTalk pushes a bot message once — it is
// "fire-forgot", not pushed again for a missing ack (developerpedia
// docs/learn/stream/protocol.md, FAQ) — so the ack is not held for anything:
// a message the store cannot record within RecordBudget is kept in the
// local spool, and when that cannot take it either, the sender is told on
// the session webhook to send it again. A message recorded before (a rare
// duplicate push) is not recorded again; it is queued again in case it is
// still unhandled (the pool's claim skips a done or leased one).
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
	im := store.InboundMessage{MsgID: m.ID, ReceivedAt: t.now(), ChatID: m.ChatID, Sender: m.StaffID, Body: string(body)}
	if !t.take(ctx, im) {
		t.notTaken(ctx, in)
	}
	return payload.NewSuccessDataFrameResponse(), nil
}

// take records im in the inbox and queues it, or keeps it in the spool; it
// reports false when neither could. While the spool holds anything the
// store is known to be failing, and im goes straight to the spool behind
// the others, without holding an SDK handler slot for the budget.
func (t *Transport) take(ctx context.Context, im store.InboundMessage) bool {
	if t.spool == nil || t.spool.Len() == 0 {
		fresh, err := t.record(ctx, im)
		if err == nil {
			if !fresh {
				t.log.InfoContext(ctx, "a repeated bot message", "msg_id", im.MsgID)
			}
			t.recorded(im.MsgID)
			return true
		}
		t.log.ErrorContext(ctx, "recording inbound message failed; keeping it in the local spool", "msg_id", im.MsgID, "err", err)
	}
	return t.keep(ctx, im)
}

// recorded queues a message the inbox now holds.
func (t *Transport) recorded(id string) {
	if t.cfg.afterRecord == nil || t.cfg.afterRecord(id) {
		t.enqueue(id)
	}
}

// record stores an inbound message, retrying with backoff for at most
// Config.RecordBudget. Attempts run on a context the connection cannot
// cancel. An insert that commits after its attempt timed out makes the
// spooled copy a repeat, which the inbox ignores.
func (t *Transport) record(ctx context.Context, in store.InboundMessage) (bool, error) {
	deadline := time.Now().Add(t.cfg.RecordBudget)
	delay := 50 * time.Millisecond
	for {
		actx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
		fresh, err := t.inbox.Record(actx, in)
		cancel()
		if err == nil {
			return fresh, nil
		}
		if time.Until(deadline) < delay {
			return false, err
		}
		time.Sleep(delay)
		delay = min(2*delay, time.Second)
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
