package bot

import (
	"strconv"
	"strings"
)

// maxDigits bounds the numbers a chat command carries: no app has a
// billionth version, no installation a billionth release, so a longer
// number is a typo (and would overflow int on the way).
const maxDigits = 9

// number is a whole number as typed in chat: an optional sign and ASCII
// digits. ok is false for anything else; long is set (and n is 0) when it
// has more than maxDigits digits.
type number struct {
	n        int
	ok, long bool
}

func readNumber(s string) number {
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return number{}
	}
	if len(strings.TrimLeft(digits, "0")) > maxDigits {
		return number{ok: true, long: true}
	}
	n, _ := strconv.Atoi(digits) // at most maxDigits significant digits: no overflow
	if strings.HasPrefix(s, "-") {
		n = -n
	}
	return number{n: n, ok: true}
}

// versionShaped says whether tok is meant as a version: a bare number
// (42, 0, -1) or v/V followed by a digit or a sign (v42, v0, v-1, v1.2). A
// word that merely starts with v ("very") is not; a reason that must start
// with a version-shaped token is quoted or put after --.
func versionShaped(tok string) bool {
	if readNumber(tok).ok {
		return true
	}
	rest, cut := strings.CutPrefix(strings.ToLower(tok), "v")
	rest = strings.TrimLeft(rest, "+-")
	return cut && rest != "" && rest[0] >= '0' && rest[0] <= '9'
}

// readVersion reads a version-shaped token: the version, or the one line
// that says why it is none.
func readVersion(tok string, e *entry, app string) (int, *Notice) {
	num := readNumber(tok)
	if rest, cut := strings.CutPrefix(strings.ToLower(tok), "v"); cut {
		num = readNumber(rest)
		if strings.HasPrefix(rest, "+") {
			num = number{} // v+3 is not how anyone writes v3
		}
	}
	switch {
	case !num.ok:
		return 0, notice("parse.bad_version", "got", tok, "cmd", e.name)
	case num.long:
		return 0, notice("parse.no_such_version", "got", tok, "app", app)
	case num.n <= 0:
		return 0, notice("parse.version_start", "got", tok, "cmd", e.name)
	}
	return num.n, nil
}

// readID reads a release id, #12 or 12.
func readID(tok string, e *entry) (int, *Notice) {
	num := readNumber(strings.TrimPrefix(tok, "#"))
	switch {
	case !num.ok:
		return 0, notice("parse.bad_id", "got", tok, "cmd", e.name)
	case num.long:
		return 0, notice("parse.no_such_release", "got", tok)
	case num.n <= 0:
		return 0, notice("parse.id_start", "got", tok, "cmd", e.name)
	}
	return num.n, nil
}

// maxHistory is the most releases /history shows at once.
const maxHistory = 100

// readCount reads /history's count.
func readCount(tok string, e *entry) (int, *Notice) {
	num := readNumber(tok)
	switch {
	case !num.ok:
		return 0, notice("parse.bad_count", "got", tok, "cmd", e.name)
	case num.long || num.n <= 0 || num.n > maxHistory:
		return 0, notice("parse.count_range", "got", tok, "max", maxHistory, "cmd", e.name)
	}
	return num.n, nil
}

// quotes are the pairs a reason may be wrapped in, so that it can start
// with a token that would otherwise be read as an argument.
var quotes = map[rune]rune{'"': '"', '\'': '\'', '“': '”', '‘': '’', '「': '」', '『': '』'}

// unquote drops the quotes around a reason that is one quoted string.
func unquote(s string) string {
	rs := []rune(s)
	if len(rs) < 2 {
		return s
	}
	closing, ok := quotes[rs[0]]
	if !ok || rs[len(rs)-1] != closing || strings.ContainsRune(string(rs[1:len(rs)-1]), closing) {
		return s
	}
	return strings.TrimSpace(string(rs[1 : len(rs)-1]))
}
