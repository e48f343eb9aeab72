package bot

import (
	"regexp"
	"strings"

	"github.com/dingops/dingops/core"
)

// argOptions reads release options after the branch: key=value tokens,
// until the first token that is not one (where the reason starts). A value
// may be quoted ("a b", 'a b', “a b”); the words inside are joined by one
// space. Whether a key and value are right is the engine's to say, since
// it knows the app's declarations.
const argOptions argKind = 100

// optionToken: a key as configuration allows it, "=", anything.
var optionToken = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_]*)=(.*)$`)

// readOptions consumes the leading key=value tokens into cmd.Options.
func readOptions(cmd *Command, tokens []string, e *entry) ([]string, *Notice) {
	for len(tokens) > 0 {
		m := optionToken.FindStringSubmatch(tokens[0])
		if m == nil {
			return tokens, nil
		}
		value, rest, ok := quotedValue(m[2], tokens[1:])
		if !ok {
			return nil, notice("parse.option_quote", "key", m[1], "cmd", e.name)
		}
		cmd.Options = append(cmd.Options, core.OptionValue{Name: m[1], Value: value})
		tokens = rest
	}
	return tokens, nil
}

// quotedValue reads a value that may open a quote and close it some
// tokens later; ok is false when the quote never closes.
func quotedValue(first string, more []string) (value string, rest []string, ok bool) {
	rs := []rune(first)
	if len(rs) == 0 {
		return "", more, true
	}
	closing, quoted := quotes[rs[0]]
	if !quoted {
		return first, more, true
	}
	words := []string{string(rs[1:])}
	for i := -1; i < len(more); i++ {
		if i >= 0 {
			words = append(words, more[i])
		}
		last := []rune(words[len(words)-1])
		if n := len(last); n > 0 && last[n-1] == closing {
			words[len(words)-1] = string(last[:n-1])
			v := strings.TrimSpace(strings.Join(words, " "))
			if strings.ContainsRune(v, closing) {
				return "", nil, false
			}
			return v, more[i+1:], true
		}
	}
	return "", nil, false
}
