package bot

import (
	"strings"
	"unicode"

	"github.com/dingops/dingops/core"
)

// argKind says how one positional argument is read.
type argKind int

const (
	argApp     argKind = iota // an app name, lower-cased
	argVersion                // v42 or 42 (optional; a version-shaped token must be valid)
	argBranch                 // a git branch, case kept
	argID                     // a release id, #12 or 12
	argCount                  // a positive number (optional)
	argAll                    // "all" (optional): /history with every request
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
	var args []string
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
				args = append(args, tok)
			}
		default:
			args = append(args, tok)
		}
	}
	args, after, sep := splitRest(args)
	for _, a := range e.args {
		var bad *Notice
		if args, bad = readArg(cmd, a, args, after, e); bad != nil {
			return Parsed{Reply: bad}
		}
	}
	extra := args
	if sep && !takesRest(e) {
		extra = append(append(extra, "--"), after...)
	}
	if len(extra) > 0 {
		return Parsed{Reply: notice("parse.extra", "extra", strings.Join(extra, " "), "cmd", e.name)}
	}
	return Parsed{Command: cmd}
}

// splitRest splits the arguments at the first "--": what follows is the
// reason word for word, even when it starts with a token that would
// otherwise be read as a version, a count or an option.
func splitRest(args []string) (before, after []string, sep bool) {
	for i, tok := range args {
		if tok == "--" {
			return args[:i], args[i+1:], true
		}
	}
	return args, nil, false
}

func takesRest(e *entry) bool {
	for _, a := range e.args {
		if a.kind == argRest {
			return true
		}
	}
	return false
}

// readArg consumes one argument of kind a from tokens; after is the text
// behind a "--", which only a reason takes.
func readArg(cmd *Command, a argSpec, tokens, after []string, e *entry) ([]string, *Notice) {
	switch a.kind {
	case argRest:
		return readRest(cmd, a, tokens, after, e)
	case argOptions:
		return readOptions(cmd, tokens, e)
	}
	if len(tokens) == 0 {
		if a.required {
			return nil, notice("parse.missing", "arg", argName(a.kind), "cmd", e.name)
		}
		return nil, nil
	}
	tok := tokens[0]
	var bad *Notice
	switch a.kind {
	case argApp:
		cmd.App = strings.ToLower(tok)
	case argBranch:
		cmd.Branch = tok
	case argVersion:
		if !versionShaped(tok) {
			return tokens, nil // optional: the token starts the reason
		}
		cmd.Version, bad = readVersion(tok, e, cmd.App)
	case argID:
		var id int
		id, bad = readID(tok, e)
		cmd.ID = core.ReleaseID(id)
	case argCount:
		cmd.N, bad = readCount(tok, e)
	case argAll:
		if !allWords[strings.ToLower(tok)] {
			return tokens, nil
		}
		cmd.All = true
	case argTopic:
		cmd.Topic = strings.TrimLeft(strings.ToLower(tok), "/")
	}
	return tokens[1:], bad
}

// allWords ask /history for every request, cancelled and rejected ones too.
var allWords = map[string]bool{"all": true, "全部": true, "所有": true}

// readRest takes the rest of the text as the reason or comment. A "--"
// with words before it is part of the reason; one right after the
// arguments only marks where the reason starts.
func readRest(cmd *Command, a argSpec, tokens, after []string, e *entry) ([]string, *Notice) {
	words := tokens
	if len(tokens) > 0 && len(after) > 0 {
		words = append(append(append([]string{}, tokens...), "--"), after...)
	} else if len(after) > 0 {
		words = after
	}
	cmd.Text = unquote(strings.Join(words, " "))
	if a.required && cmd.Text == "" {
		return nil, notice("parse.missing", "arg", argName(a.kind), "cmd", e.name)
	}
	return nil, nil
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
