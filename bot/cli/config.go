package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
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

// HolidayData is `config check`'s note on the holiday calendar, whose
// statutory data ends on end: until when, and a warning when fewer than
// warnDays days are left and any window depends on it.
func HolidayData(cfg *configs.Config, end core.Date, now time.Time, warnDays int) (string, []configs.Problem) {
	today := core.DateOf(now.In(cfg.Zone()))
	left := int(end.In(time.UTC).Sub(today.In(time.UTC)).Hours() / 24)
	note := fmt.Sprintf("holiday data: until %s (%d days)", end, left)
	if left >= warnDays || len(cfg.Windows) == 0 {
		return note, nil
	}
	return note, []configs.Problem{cfg.Problem("calendar", fmt.Sprintf("the holiday data ends %s, in %d days: days after it count as \"no holiday data\" (closed unless open_without_data); add calendar.overrides for the next year or upgrade lunar-go", end, left))}
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
		fmt.Fprintf(w, "  %-14s %s\n", name, target(a.Target))
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

func target(t configs.Target) string {
	switch {
	case t.OSS != nil:
		return fmt.Sprintf("oss: bucket %s, fixed key %s ← %s", t.OSS.Bucket, t.OSS.FixedKey, t.OSS.ManifestPattern)
	case t.Kubernetes != nil:
		var ds []string
		for _, d := range t.Kubernetes.Deployments {
			ds = append(ds, d.Deployment+"/"+d.Container)
		}
		return fmt.Sprintf("container (kubernetes): %s %s", t.Kubernetes.Namespace, list(ds))
	case t.Script != nil:
		return "container (script): " + strings.Join(t.Script.Command, " ")
	case t.MiniApp != nil:
		return "miniapp: agent " + t.MiniApp.AgentID
	}
	return t.Kind
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
