package bot

// The sentences refusing free text that core.CheckText turns away (a NUL,
// a terminal escape, a bidi override, invalid UTF-8, or text over
// core.MaxTextRunes characters), and the names of the fields it checks.
var catalogTextZH = map[string]string{
	"refusal.text_invalid":  "{field}里有不能接受的字符（{char}），请去掉后重新发送；什么都没有记录。",
	"refusal.text_too_long": "{field}太长：{got} 个字符，最多 {max} 个；请缩短后重新发送，详细内容可以放在链接里。什么都没有记录。",
	"text.field.reason":     "理由",
	"text.field.comment":    "意见",
	"text.not_utf8":         "无效的 UTF-8 编码",
}

var catalogTextEN = map[string]string{
	"refusal.text_invalid":  "The {field} holds a character that is not accepted ({char}); remove it and send again. Nothing was recorded.",
	"refusal.text_too_long": "The {field} is too long: {got} characters, at most {max}; shorten it and send again (put details behind a link). Nothing was recorded.",
	"text.field.reason":     "reason",
	"text.field.comment":    "comment",
	"text.not_utf8":         "invalid UTF-8",
}
