package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// sessionAnswer is the webhook's body; DingTalk reports failures such as an
// expired session (300001) here, with HTTP 200.
type sessionAnswer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// ReplyBySession posts a markdown reply to a message's session webhook. An
// expired session is an *APIError that IsSessionExpired recognises, so the
// caller can fall back to SendGroupMessage.
func (c *Client) ReplyBySession(ctx context.Context, webhookURL, markdown string) error {
	body, err := json.Marshal(map[string]any{
		"msgtype":  "markdown",
		"markdown": map[string]string{"title": TitleOf(markdown), "text": markdown},
	})
	if err != nil {
		return fmt.Errorf("encoding session reply: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building session reply: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("calling DingTalk %s: %w", APISessionReply, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading DingTalk %s answer: %w", APISessionReply, err)
	}
	return sessionError(resp.StatusCode, raw)
}

// sessionError parses the webhook answer: any errcode but 0 fails, and so
// does an answer that is not the expected JSON.
func sessionError(status int, raw []byte) error {
	var a sessionAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return &APIError{API: APISessionReply, Status: status, Code: "badAnswer", Message: truncate(string(raw), 200)}
	}
	if status != http.StatusOK || a.ErrCode != 0 {
		return &APIError{API: APISessionReply, Status: status, Code: strconv.Itoa(a.ErrCode), Message: a.ErrMsg}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
