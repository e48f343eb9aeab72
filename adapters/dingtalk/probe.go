package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// APIConnectionOpen is the stream gateway's connection-open call.
const APIConnectionOpen = "gateway.ConnectionsOpen"

// OpenStreamTicket asks the stream gateway for a connection ticket, as the
// stream SDK does before it dials the websocket (POST
// /v1.0/gateway/connections/open with the client id and secret and the
// robot-message subscription), and does not connect: the ticket expires
// unused. It proves the credentials and that stream mode is reachable.
func (c *Client) OpenStreamTicket(ctx context.Context) error {
	st := c.Stream()
	body, _ := json.Marshal(map[string]any{"clientId": st.ClientID, "clientSecret": string(st.ClientSecret),
		"subscriptions": []map[string]string{{"type": "CALLBACK", "topic": "/v1.0/im/bot/messages/get"}},
		"ua":            "dingops-doctor"})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, st.OpenAPIHost+"/v1.0/gateway/connections/open", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("calling DingTalk %s: %w", APIConnectionOpen, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if resp.StatusCode != http.StatusOK {
		return &APIError{API: APIConnectionOpen, Status: resp.StatusCode, Code: firstString(out, "", "code"),
			Message: firstString(out, string(raw), "message"), RequestID: firstString(out, "", "requestid")}
	}
	if firstString(out, "", "ticket") == "" || firstString(out, "", "endpoint") == "" {
		return &APIError{API: APIConnectionOpen, Status: resp.StatusCode, Code: "noTicket", Message: "the answer has no endpoint or ticket"}
	}
	return nil
}
