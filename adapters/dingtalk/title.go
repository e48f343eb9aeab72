package dingtalk

import (
	"regexp"
	"strings"
)

// maxTitle is how many characters of a title are kept: the chat list and
// the notification show about that many.
const maxTitle = 40

var (
	mdLink   = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	mdInline = strings.NewReplacer("**", "", "__", "", "~~", "", "`", "", "*", "")
)

// TitleOf is the title of a markdown message: its first line as plain
// text — no heading or quote marks, no emphasis, links as their text —
// because DingTalk shows the title verbatim in the chat list and in the
// notification, where "**web**（container）" would keep its asterisks.
func TitleOf(markdown string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(markdown), "\n")
	line = mdLink.ReplaceAllString(line, "$1")
	line = mdInline.Replace(line)
	line = strings.TrimSpace(strings.TrimLeft(line, "#>-+ "))
	if r := []rune(line); len(r) > maxTitle {
		line = string(r[:maxTitle])
	}
	if line == "" {
		return "dingops"
	}
	return line
}
