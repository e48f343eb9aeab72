package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/store"
)

func runConfig(_ context.Context, env Env, args []string) int {
	if len(args) == 0 || (args[0] != "check" && args[0] != "-h" && args[0] != "--help") {
		got := ""
		if len(args) > 0 {
			got = fmt.Sprintf(" %q", args[0])
		}
		return usageError(env, "config", "unknown subcommand%s: the only one is \"config check --config FILE\"", got)
	}
	if args[0] != "check" {
		fmt.Fprintln(env.Stdout, "Usage: dingops config check --config FILE")
		return 0
	}
	fs := flags(env, "config check", "--config FILE")
	cfgPath := fs.String("config", "", "configuration file")
	if code, ok := parse(env, fs, args[1:]); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(env, "config check", "unexpected argument %q", fs.Arg(0))
	}
	if *cfgPath == "" {
		return usageError(env, "config check", "--config FILE is required")
	}
	return checkConfig(env, *cfgPath)
}

// summary prints one screen: apps, targets, chats, teams, policies.
func summary(w io.Writer, file string, c *configs.Config, errs int, warns []configs.Problem, notes []string) {
	if errs == 0 {
		fmt.Fprintf(w, "%s: OK\n", file)
	} else {
		fmt.Fprintf(w, "%s: %d problem(s), listed above; as read so far:\n", file, errs)
	}
	kind := "sqlite"
	if store.IsPostgres(c.Store.DSN) {
		kind = "postgres"
	}
	fmt.Fprintf(w, "language %s · time zone %s · store %s %s\n", c.Language, c.TimeZone.Name, kind, store.Redact(c.Store.DSN))
	fmt.Fprintf(w, "\napps (%d):\n", len(c.Apps))
	for _, name := range keys(c.Apps) {
		a := c.Apps[name]
		fmt.Fprintf(w, "  %-14s %s\n", name, a.Target.Summary())
		fmt.Fprintf(w, "  %-14s chats %s · release %s · approve %s\n", "", list(a.Chats), list(a.ReleaseTeams), list(a.ApproverTeams))
		fmt.Fprintf(w, "  %-14s rollback %s · release %s · urgent %s%s\n", "", approval(a.Policy.Rollback),
			approval(a.Policy.Release), approval(a.Policy.Urgent), policyNotes(a))
	}
	fmt.Fprintf(w, "\nchats (%d):", len(c.Chats))
	for _, n := range keys(c.Chats) {
		fmt.Fprintf(w, " %s=%s", n, c.Chats[n].ConversationID)
	}
	fmt.Fprintf(w, "\nteams (%d):", len(c.Teams))
	for _, n := range keys(c.Teams) {
		fmt.Fprintf(w, " %s(%d)", n, len(c.Teams[n]))
	}
	fmt.Fprintf(w, "\nwindows (%d):", len(c.Windows))
	for _, n := range keys(c.Windows) {
		fmt.Fprintf(w, " %s→%s", n, list(c.WindowApps(c.Windows[n])))
	}
	fmt.Fprintf(w, "\n%s", defaultWindowNote(c))
	fmt.Fprintf(w, "\nannouncements: %d post(s) · dingtalk: %s · jenkins: %s\n", len(c.Announcements.Posts),
		onOff(c.DingTalk != nil), onOff(c.Jenkins != nil))
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	if len(warns) > 0 {
		fmt.Fprintf(w, "\nwarnings (%d):\n", len(warns))
		for _, p := range warns {
			fmt.Fprintf(w, "  %s:%d: %s: %s\n", file, p.Line, p.Path, p.Message)
		}
	}
}

func approval(a *configs.Approval) string {
	if a == nil || *a.Approvals == 0 {
		return "no approval"
	}
	self := ""
	if a.SelfApproval {
		self = " incl. self"
	}
	return fmt.Sprintf("%d approver(s)%s/%s", *a.Approvals, self, a.Expiry.Std())
}

func policyNotes(a *configs.App) string {
	var out []string
	if a.Policy.RollbackNeedsWindow {
		out = append(out, "rollbacks need a window")
	}
	if a.Policy.LockAfterRollback != nil && *a.Policy.LockAfterRollback {
		out = append(out, "freeze after rollback")
	}
	if a.JenkinsJob != "" {
		out = append(out, "builds "+a.JenkinsJob)
	}
	if len(out) == 0 {
		return ""
	}
	return " · " + strings.Join(out, " · ")
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "-"
	}
	return strings.Join(xs, ",")
}

func onOff(b bool) string {
	if b {
		return "configured"
	}
	return "off"
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// defaultWindowNote says what an app without a window may do: release any
// time, holidays included, except during the calendar's freezes.
func defaultWindowNote(c *configs.Config) string {
	covered := map[string]bool{}
	for _, w := range c.Windows {
		for _, a := range c.WindowApps(w) {
			covered[a] = true
		}
	}
	var open []string
	for _, a := range keys(c.Apps) {
		if !covered[a] {
			open = append(open, a)
		}
	}
	var freezes []string
	for _, f := range c.Calendar.Freezes {
		to := f.To
		if to.IsZero() {
			to = f.From
		}
		freezes = append(freezes, fmt.Sprintf("%s %s–%s", f.Name, f.From.Format(time.DateOnly), to.Format(time.DateOnly)))
	}
	return fmt.Sprintf("without a window (%s): open any time, holidays included, except during calendar freezes (%s)",
		list(open), list(freezes))
}
