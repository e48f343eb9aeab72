package cli

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/configs"
)

// checkConfig is `config check`: every stage runs — the file's own checks,
// then what the engine compiles from it (windows, the DingTalk client, each
// target) — and every problem is listed at once, each at the line of the
// key at fault, then a one-screen summary.
func checkConfig(env Env, path string) int {
	cfg, probs, err := configs.Check(path, env.Getenv)
	if err != nil {
		return fail(env, "config check", err)
	}
	errs, warns := probs.List, probs.Warnings
	var notes []string
	if cfg != nil {
		extra, w, n := laterStages(withoutData(system.Check), cfg)
		errs = append(errs, consequences(errs, extra)...)
		warns = append(warns, consequences(errs, w)...)
		notes = n
	}
	byLine(errs)
	byLine(warns)
	if len(errs) > 0 {
		printProblems(env, path, errs)
	}
	if cfg != nil {
		summary(env.Stdout, path, cfg, len(errs), warns, notes)
	}
	if len(errs) > 0 {
		return 1
	}
	return 0
}

// laterStages runs env.Check on a configuration that may have problems
// already. A stage that trips over one of them must not hide the others:
// it is stopped and noted instead.
func laterStages(check func(*configs.Config, time.Time) ([]configs.Problem, []configs.Problem, []string),
	cfg *configs.Config) (errs, warns []configs.Problem, notes []string) {
	defer func() {
		if r := recover(); r != nil {
			notes = append(notes, fmt.Sprintf("the engine's checks stopped early (%v): fix the problems above and run again", r))
		}
	}()
	errs, warns, notes = check(cfg, time.Now())
	return clean(errs), clean(warns), notes
}

// consequences drops the later stages' problems about a key the file's
// own checks already found at fault, at it or under it: a DingTalk client
// that cannot be built because its secret is unset is the same problem,
// reported once, at the client_secret_env line.
func consequences(found, later []configs.Problem) []configs.Problem {
	var out []configs.Problem
	for _, p := range later {
		dup := false
		for _, f := range found {
			if f.Path == p.Path || p.Path == "" || strings.HasPrefix(f.Path, p.Path+".") || strings.HasPrefix(f.Path, p.Path+"[") {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}

// clean drops a message's repetition of its key ("dingtalk: dingtalk: …").
func clean(ps []configs.Problem) []configs.Problem {
	for i, p := range ps {
		last := p.Path[strings.LastIndexAny(p.Path, ".")+1:]
		for last != "" && strings.HasPrefix(ps[i].Message, last+": ") {
			ps[i].Message = strings.TrimPrefix(ps[i].Message, last+": ")
		}
	}
	return ps
}

func byLine(ps []configs.Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return ps[i].Path < ps[j].Path
	})
}

// withoutData adds to check a warning at each window with
// open_without_data: when the holiday data ends, and that the days after
// it open as plain days (a statutory holiday then is not closed).
func withoutData(check func(*configs.Config, time.Time) ([]configs.Problem, []configs.Problem, []string)) func(
	*configs.Config, time.Time) ([]configs.Problem, []configs.Problem, []string) {
	return func(cfg *configs.Config, now time.Time) ([]configs.Problem, []configs.Problem, []string) {
		errs, warns, notes := check(cfg, now)
		ws, err := system.Windows(cfg)
		if err != nil {
			return errs, warns, notes
		}
		names := make([]string, 0, len(cfg.Windows))
		for name, w := range cfg.Windows {
			if w.OpenWithoutData {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		for _, name := range names {
			warns = append(warns, cfg.Problem("windows."+name+".open_without_data", fmt.Sprintf("the holiday data ends %s: "+
				"later days are treated as open plain days without holiday data (a statutory holiday then is not closed); "+
				"add calendar.overrides for them or upgrade lunar-go", ws.DataEnds())))
		}
		return errs, warns, notes
	}
}
