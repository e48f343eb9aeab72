package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/core"
)

func runChat(ctx context.Context, env Env, args []string) int {
	fs := flags(env, "chat", `--config FILE --as STAFFID [--chat ID] "TEXT"`)
	cfgPath := fs.String("config", "", "configuration file")
	as := fs.String("as", "", "the DingTalk staff id to act as (audited with your OS user)")
	chat := fs.String("chat", "", "conversation id of a group (default: a 1:1 chat)")
	lang := fs.String("lang", "", "reply language: zh or en (default: the configuration's)")
	wait := fs.Duration("wait", 15*time.Minute, "how long to follow an approved request")
	if code, ok := parse(env, fs, args); !ok {
		return code
	}
	switch {
	case *as == "":
		return usageError(env, "chat", "--as STAFFID is required")
	case fs.NArg() != 1:
		return usageError(env, "chat", "give the command as one quoted argument, e.g. \"/status web\"")
	case *lang != "" && *lang != "zh" && *lang != "en":
		return usageError(env, "chat", "--lang must be zh or en")
	}
	printer := &printer{out: env.Stdout, lang: *lang}
	sys, code := assemble(ctx, env, "chat", *cfgPath, system.Options{Notifier: printer, Local: true})
	if sys == nil {
		return code
	}
	defer sys.Close()
	printer.bot = sys.Bot
	if printer.lang == "" {
		printer.lang = sys.Bot.Lang()
	}
	msg := bot.Message{ID: "shell-" + randomID(), ChatID: *chat, Group: *chat != "", StaffID: *as, OSUser: env.OSUser,
		Text: fs.Arg(0), Origin: core.OriginShell, At: time.Now(), Language: *lang}
	if code := resumeOrphans(ctx, env, sys, printer, *wait); code != 0 {
		return code
	}
	resp := sys.Bot.Handle(ctx, msg)
	printResponse(env.Stdout, resp)
	if resp.Refused {
		return 1
	}
	if r := resp.Release; r != nil && r.Status == core.StatusApproved {
		return follow(ctx, env, sys, printer, r.ID, *wait)
	}
	return 0
}

func printResponse(w io.Writer, resp bot.Response) {
	if resp.Text != "" {
		fmt.Fprintln(w, resp.Text)
	}
	if resp.Card != nil {
		fmt.Fprintf(w, "\n%s\n[card → %v]\n", resp.Card.Markdown, resp.CardChats)
	}
	for _, d := range resp.Direct {
		fmt.Fprintf(w, "[1:1 → %v] %s\n", d.Users, d.Text)
	}
}

// follow sees an approved release to its end, for at most wait.
func follow(ctx context.Context, env Env, sys *system.System, p *printer, id core.ReleaseID, wait time.Duration) int {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	return carry(ctx, env, sys, p, id)
}

func outcome(ctx context.Context, env Env, sys *system.System, p *printer, id core.ReleaseID) int {
	r, err := sys.Engine.Release(context.WithoutCancel(ctx), id)
	if err != nil {
		return fail(env, "chat", err)
	}
	step := core.StepSucceeded
	if r.Status != core.StatusSucceeded {
		step = core.StepFailed
	}
	p.force(core.Event{Release: r, Step: step})
	if r.Status != core.StatusSucceeded {
		return 1
	}
	return 0
}

// printer is the shell's notifier: one line per step.
type printer struct {
	mu   sync.Mutex
	out  io.Writer
	bot  *bot.Bot
	lang string
	seen map[string]bool
}

// Notify implements core.Notifier; final steps are printed by outcome.
func (p *printer) Notify(_ context.Context, ev core.Event) {
	if ev.Step == core.StepSucceeded || ev.Step == core.StepFailed || ev.Step == core.StepApproved {
		return
	}
	p.force(ev)
}

func (p *printer) force(ev core.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bot == nil {
		return
	}
	line := p.bot.EventLine(p.lang, ev)
	key := fmt.Sprint(ev.Release.ID, ev.Step, line)
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	if line == "" || p.seen[key] {
		return
	}
	p.seen[key] = true
	fmt.Fprintln(p.out, line)
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
