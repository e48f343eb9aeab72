package bot

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/dingops/dingops/core"
)

// argKind says how one positional argument is read.
type argKind int

const (
	argApp     argKind = iota // an app name, lower-cased
	argVersion                // v42 (optional in its place)
	argBranch                 // a git branch, case kept
	argID                     // a release id, #12 or 12
	argCount                  // a positive number (optional)
	argTopic                  // a command name for /help (optional)
	argRest                   // the rest of the text: reason or comment
)

type argSpec struct {
	kind     argKind
	required bool
}

// normalise undoes what DingTalk and Chinese input methods do to commands:
// the leading space (and @name) left by the mention, full-width slash and
// spaces, and em-dashes typed for "--".
var fullWidth = strings.NewReplacer("／", "/", "\u3000", " ", "＃", "#", "——", "--", "—", "--", "－－", "--", "\u00a0", " ")

func tokenize(text string) []string {
	fields := strings.FieldsFunc(fullWidth.Replace(text), unicode.IsSpace)
	for len(fields) > 0 && strings.HasPrefix(fields[0], "@") {
		fields = fields[1:]
	}
	return fields
}

// Parse reads chat text into a typed command, a reply, or nothing. It never
// panics and never writes anywhere.
func (t *Table) Parse(text string) Parsed {
	tokens := tokenize(text)
	if len(tokens) == 0 {
		return Parsed{Reply: notice("parse.empty")}
	}
	word := strings.ToLower(tokens[0])
	slash := strings.HasPrefix(word, "/")
	word = strings.TrimLeft(word, "/")
	e, ok := t.lookup[word]
	if !ok {
		if d := t.closest(word); d != "" {
			return Parsed{Reply: notice("parse.did_you_mean", "got", tokens[0], "cmd", "/"+d)}
		}
		if slash {
			return Parsed{Reply: notice("parse.unknown", "got", tokens[0])}
		}
		return Parsed{Reply: notice("parse.not_command")}
	}
	return t.parseArgs(e, tokens[1:])
}

func (t *Table) parseArgs(e *entry, tokens []string) Parsed {
	cmd := &Command{Name: e.name}
	var rest []string
	for i, tok := range tokens {
		switch strings.ToLower(tok) {
		case "--urgent", "-urgent", "--紧急":
			cmd.Urgent = true
		case "紧急":
			// The bare word is a flag only where a flag goes: right after the
			// app and version, or last. Inside a reason it is a word of it.
			if i <= positional(e) || i == len(tokens)-1 {
				cmd.Urgent = true
			} else {
				rest = append(rest, tok)
			}
		default:
			rest = append(rest, tok)
		}
	}
	for _, a := range e.args {
		var bad *Notice
		rest, bad = readArg(cmd, a, rest, e)
		if bad != nil {
			return Parsed{Reply: bad}
		}
	}
	if len(rest) > 0 {
		return Parsed{Reply: notice("parse.extra", "extra", strings.Join(rest, " "), "cmd", e.name)}
	}
	return Parsed{Command: cmd}
}

// readArg consumes one argument of kind a from tokens.
func readArg(cmd *Command, a argSpec, tokens []string, e *entry) ([]string, *Notice) {
	if len(tokens) == 0 {
		if a.required {
			return nil, notice("parse.missing", "arg", argName(a.kind), "cmd", e.name)
		}
		return nil, nil
	}
	tok := tokens[0]
	switch a.kind {
	case argApp:
		cmd.App = strings.ToLower(tok)
	case argBranch:
		cmd.Branch = tok
	case argVersion:
		v, ok := parseVersion(tok)
		if !ok {
			return tokens, nil // optional: the token is the reason
		}
		cmd.Version = v
	case argID:
		id, err := strconv.ParseInt(strings.TrimPrefix(tok, "#"), 10, 64)
		if err != nil || id <= 0 {
			return nil, notice("parse.bad_id", "got", tok, "cmd", e.name)
		}
		cmd.ID = core.ReleaseID(id)
	case argCount:
		n, err := strconv.Atoi(tok)
		if err != nil || n <= 0 || n > 100 {
			return nil, notice("parse.bad_count", "got", tok, "cmd", e.name)
		}
		cmd.N = n
	case argTopic:
		cmd.Topic = strings.TrimLeft(strings.ToLower(tok), "/")
	case argRest:
		cmd.Text = strings.Join(tokens, " ")
		return nil, nil
	}
	return tokens[1:], nil
}

// parseVersion reads v42, V42 or 42.
func parseVersion(tok string) (int, bool) {
	s := strings.TrimPrefix(strings.TrimPrefix(tok, "v"), "V")
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

func argName(k argKind) string {
	switch k {
	case argApp:
		return "app"
	case argBranch:
		return "branch"
	case argID:
		return "id"
	case argRest:
		return "reason"
	}
	return "arg"
}

// positional is how many arguments of e come before its free text.
func positional(e *entry) int {
	n := 0
	for _, a := range e.args {
		if a.kind != argRest {
			n++
		}
	}
	return n
}
