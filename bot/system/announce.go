package system

import (
	"github.com/dingops/dingops/bot/announce"
	"github.com/dingops/dingops/configs"
)

// announcePosts resolves a validated configuration's announcements: the
// chat's conversation id and language, and app sets expanded into apps.
func announcePosts(cfg *configs.Config) []announce.Post {
	out := make([]announce.Post, 0, len(cfg.Announcements.Posts))
	for _, a := range cfg.Announcements.Posts {
		chat := cfg.Chats[a.Chat]
		lang := chat.Language
		if lang == "" {
			lang = cfg.Language
		}
		out = append(out, announce.Post{Chat: a.Chat, ConversationID: chat.ConversationID, Language: lang,
			Kind: announce.Kind(a.Kind),
			Apps: cfg.WindowApps(configs.Window{Apps: a.Apps, AppSets: a.AppSets}), Before: a.Before.Std(),
			Schedule: a.Schedule})
	}
	return out
}
