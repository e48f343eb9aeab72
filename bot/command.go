// Package bot is how people talk to dingops: the command layer (parser,
// command table, handlers, renderings and the message catalogue) shared by
// every transport — the DingTalk stream, the card callbacks, `dingops chat`
// and the playground.
package bot

import (
	"time"

	"github.com/dingops/dingops/core"
)

// Name is a command's canonical name.
type Name string

// Commands.
const (
	CmdRollback Name = "rollback"
	CmdRelease  Name = "release"
	CmdApprove  Name = "approve"
	CmdReject   Name = "reject"
	CmdCancel   Name = "cancel"
	CmdStatus   Name = "status"
	CmdHistory  Name = "history"
	CmdLock     Name = "lock"
	CmdUnlock   Name = "unlock"
	CmdWindows  Name = "windows"
	CmdWhoami   Name = "whoami"
	CmdHelp     Name = "help"
	CmdAlerts   Name = "alerts"
	CmdBranch   Name = "branch"
	CmdBranches Name = "branches"
)

// Command is a parsed command; which fields are set depends on Name.
type Command struct {
	Name    Name
	App     string
	Version int
	Branch  string
	ID      core.ReleaseID
	N       int
	Text    string // reason or comment
	Urgent  bool
	All     bool   // /history: every request, cancelled and rejected ones too
	Topic   string // /help topic
	// Suggestion is the alert suggestion a card's rollback button files
	// (docs/alerts.md); 0 for typed commands.
	Suggestion int64
	// Options are /release's key=value pairs after the branch, as typed.
	Options []core.OptionValue
}

// Message is one inbound chat message or card click, converted from the
// transport's own types at the edge.
type Message struct {
	ID       string // the platform's message id (unique); card clicks make their own
	ChatID   string // conversation id; "" for a shell with no --chat
	Group    bool   // a group chat rather than 1:1
	StaffID  string // sender's staff id; empty for external users
	Nick     string
	OSUser   string // for `dingops chat`: the shell user
	Text     string
	Origin   core.Origin
	At       time.Time
	Language string // "" = the chat's configured language
}

// Parsed is the result of parsing chat text: a command to run, a reply to
// send at once (help, usage errors, "did you mean"), or nothing.
type Parsed struct {
	Command *Command
	Reply   *Notice
}

// Notice is a catalogue message with its arguments, rendered in the
// reader's language later.
type Notice struct {
	Key  string
	Args map[string]any
}

func notice(key string, kv ...any) *Notice {
	n := &Notice{Key: key, Args: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Args[kv[i].(string)] = kv[i+1]
	}
	return n
}
