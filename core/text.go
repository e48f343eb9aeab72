package core

import (
	"fmt"
	"unicode/utf8"
)

// MaxTextRunes bounds the free text a person gives — a reason, a comment,
// a recorded commit or author: longer text is refused, not stored, so one
// paste of a log does not fill every card and message it is echoed in.
const MaxTextRunes = 500

// Codes of CheckText's refusals; args field, and char (U+XXXX) or max and got.
const (
	CodeTextInvalid Code = "text_invalid"
	CodeTextTooLong Code = "text_too_long"
)

// CheckText refuses free text that is not valid UTF-8, holds a control
// character other than tab, newline and carriage return (a NUL, a terminal
// escape), or a bidirectional override or isolate (text that displays in
// another order than it reads), or is longer than max runes (max <= 0: no
// bound). field names the text in the refusal; the text itself is not in
// it, so a refusal's audit record stores nothing of it.
func CheckText(field, s string, max int) *Refusal {
	n := 0
	for i, c := range s {
		if c == utf8.RuneError && !validAt(s, i) {
			return Refuse(CodeTextInvalid, "field", field, "char", "invalid UTF-8")
		}
		if badRune(c) {
			return Refuse(CodeTextInvalid, "field", field, "char", fmt.Sprintf("U+%04X", c))
		}
		n++
	}
	if max > 0 && n > max {
		return Refuse(CodeTextTooLong, "field", field, "max", max, "got", n)
	}
	return nil
}

// checkTexts is CheckText over name, value pairs, with MaxTextRunes.
func checkTexts(kv ...string) *Refusal {
	for i := 0; i+1 < len(kv); i += 2 {
		if r := CheckText(kv[i], kv[i+1], MaxTextRunes); r != nil {
			return r
		}
	}
	return nil
}

func validAt(s string, i int) bool {
	c, size := utf8.DecodeRuneInString(s[i:])
	return c != utf8.RuneError || size > 1
}

func badRune(c rune) bool {
	switch {
	case c == '\t' || c == '\n' || c == '\r':
		return false
	case c < 0x20 || (c >= 0x7f && c < 0xa0):
		return true
	case c >= 0x202a && c <= 0x202e, c >= 0x2066 && c <= 0x2069:
		return true
	}
	return false
}
