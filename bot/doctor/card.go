package doctor

import (
	"context"
	"fmt"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk"
)

// CardAPI is what the card check calls.
type CardAPI interface {
	CreateAndDeliverCard(ctx context.Context, card dingtalk.Card) error
	UpdateCard(ctx context.Context, u dingtalk.CardUpdate) error
}

// CardCheck posts a test card from templateID into the conversation with
// every variable (params) filled, then updates it once. It does not wait
// for a button click (not built yet): the operator sees the card and can
// click it; the callback is not verified here.
func CardCheck(api CardAPI, templateID, conversationID string, params []string) Check {
	return Check{"dingtalk", "card template", "create a test card from " + templateID + " in " + conversationID + ", then update it",
		func(ctx context.Context) Outcome {
			if templateID == "" {
				return Failed("dingtalk.card_template_id is empty", "set dingtalk.card_template_id (docs/dingtalk-setup.md builds the template)")
			}
			data := map[string]string{}
			for _, p := range params {
				data[p] = "doctor: " + p
			}
			data["title"] = "dingops doctor — test card"
			id := fmt.Sprintf("dingops-doctor-%d", time.Now().UnixNano())
			card := dingtalk.Card{TemplateID: templateID, OutTrackID: id, ConversationID: conversationID, Data: data}
			if err := api.CreateAndDeliverCard(ctx, card); err != nil {
				return cardFailure(err)
			}
			if err := api.UpdateCard(ctx, dingtalk.CardUpdate{OutTrackID: id, Data: map[string]string{"status_text": "doctor: updated"}}); err != nil {
				return cardFailure(err)
			}
			return Pass("created and updated (%s); the button click round-trip is not checked", id)
		}}
}

func cardFailure(err error) Outcome {
	if scopes := dingtalk.MissingScopes(err); len(scopes) > 0 {
		return dingtalkFailure(err, DingTalkSetup{})
	}
	return FailedErr(err, "check dingtalk.card_template_id (published, of this app) and that the robot is in the chat")
}
