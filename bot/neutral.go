package bot

import (
	"strings"
	"unicode/utf8"
)

// Neutral is free text someone typed (a reason, a comment, a branch or
// lock reason, a commit subject) made safe to show inside anything dingops
// renders: a card's markdown and template variables, a group reply, a 1:1
// text, a line `dingops chat` prints on a terminal. It
//
//   - drops C0 and C1 control characters (ESC and so every terminal escape,
//     NUL, DEL) and bidi controls (an RTL override would show "v1" where
//     "1v" was typed); invalid UTF-8 becomes U+FFFD;
//   - turns line breaks and tabs into spaces, so a value cannot start a new
//     card row ("\n- **审批**：2/2") or a heading;
//   - replaces the characters DingTalk's markdown acts on with their
//     full-width look-alikes: [ ] (links, images), * (bold, italic), < >
//     (its <font> tags, a quote), and the # of a leading heading.
//
// DingTalk documents its markdown subset (headings, quote, bold, italic,
// link, image, lists; open.dingtalk.com/document/orgapp/message-type) but
// no escape character, so a backslash escape is not relied on: look-alikes
// read the same to people in every renderer and are inert in all of them.
// Underscores, backticks and bare URLs are left alone (branch names use
// "_"; a bare URL shows where it leads).
func Neutral(s string) string {
	s = controlFree(s, false)
	var b strings.Builder
	b.Grow(len(s))
	lead := true // no visible character yet
	for i, r := range s {
		first := lead && r != ' '
		if first {
			lead = false
		}
		switch r {
		case '[':
			b.WriteRune('［')
		case ']':
			b.WriteRune('］')
		case '*':
			b.WriteRune('＊')
		case '<':
			b.WriteRune('＜')
		case '>':
			b.WriteRune('＞')
		case '#':
			if first && heading(s[i:]) {
				b.WriteRune('＃')
			} else {
				b.WriteRune(r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// heading says s starts a markdown heading: #s, then a space or the end
// ("#4 · web v4" is no heading and stays as it is).
func heading(s string) bool {
	rest := strings.TrimLeft(s, "#")
	return rest == "" || rest[0] == ' '
}

// controlFree is s without control and bidi characters. With keepLines,
// line breaks and tabs stay (a whole reply or card keeps its own layout);
// without, they become spaces. Every text the bot sends passes it
// (Bot.redact), so nothing typed or printed by a script reaches a terminal
// or a chat with an escape sequence in it.
func controlFree(s string, keepLines bool) string {
	if !needsCleaning(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n' || r == '\t' || r == '\u2028' || r == '\u2029':
			if keepLines && r != '\u2028' && r != '\u2029' {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		case r == '\r':
			if !keepLines {
				b.WriteByte(' ')
			}
		case isControl(r) || isBidi(r) || isInvisible(r):
		default:
			b.WriteRune(r)
		}
	}
	if !keepLines {
		return strings.Join(strings.FieldsFunc(b.String(), func(r rune) bool { return r == ' ' }), " ")
	}
	return b.String()
}

// needsCleaning is a fast path: most texts are plain.
func needsCleaning(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\n' || r == '\t' || r == '\r' || r == '\u2028' || r == '\u2029' ||
			isControl(r) || isBidi(r) || isInvisible(r) {
			return true
		}
		i += size
	}
	return false
}

// isControl: C0 (with ESC and NUL), DEL and C1 (CSI 0x9b is a one-byte
// escape on some terminals).
func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }

// isBidi: the explicit directional marks, embeddings, overrides and
// isolates of Unicode's bidi algorithm (UAX #9).
func isBidi(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' || (r >= '\u202a' && r <= '\u202e') ||
		(r >= '\u2066' && r <= '\u2069')
}

// isInvisible: zero-width characters that only hide what a text says
// (ZWJ and ZWNJ stay: emoji and some scripts need them).
func isInvisible(r rune) bool { return r == '\u200b' || r == '\u2060' || r == '\ufeff' }
