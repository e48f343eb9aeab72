package doctor

import (
	"context"
	"fmt"
	"time"
)

// GitChecks run ls-remote of each repository (repo → its main branch).
func GitChecks(lsRemote func(ctx context.Context, repo, branch string) (bool, error), repos map[string]string, display func(string) string) []Check {
	var out []Check
	for _, repo := range sortedKeys(repos) {
		branch := repos[repo]
		out = append(out, Check{"git", display(repo), "git ls-remote --heads " + display(repo) + " " + branch,
			func(ctx context.Context) Outcome {
				ok, err := lsRemote(ctx, repo, branch)
				switch {
				case err != nil:
					return FailedErr(err, "check the repository URL and git.credentials for it (token_env or ssh_key_env, and the token's read access)")
				case !ok:
					return Failed("branch "+branch+" does not exist", "set main_branch of the apps using "+display(repo)+" to its main branch")
				}
				return Pass("branch %s exists", branch)
			}})
	}
	return out
}

// StoreAPI is what the store check calls.
type StoreAPI interface {
	Ping(ctx context.Context) error
	Pending(ctx context.Context) (int, error)
	Dialect() string
}

// StoreChecks are the database's reachability and its migrations.
func StoreChecks(s StoreAPI) []Check {
	return []Check{
		{"store", "reachable", "ping the " + s.Dialect() + " database", func(ctx context.Context) Outcome {
			if err := s.Ping(ctx); err != nil {
				return FailedErr(err, "check store.dsn (or the variable store.dsn_env names) and that the database is up")
			}
			return Pass("%s", s.Dialect())
		}},
		{"store", "migrations", "count pending migrations", func(ctx context.Context) Outcome {
			n, err := s.Pending(ctx)
			switch {
			case err != nil:
				return FailedErr(err, "check store.dsn")
			case n > 0:
				return Failed(fmt.Sprintf("%d migrations pending", n), "run `dingops migrate --config FILE` (serve also migrates at start)")
			}
			return Pass("current")
		}},
	}
}

// WindowPlan answers which days an app's window opens.
type WindowPlan func(app string, from time.Time, days int) (open int, known bool)

// CalendarChecks are the holiday data left and, per window's app, whether
// it opens in the next 14 days.
func CalendarChecks(now time.Time, dataEnds time.Time, windowApps map[string]string, plan WindowPlan) []Check {
	left := int(dataEnds.Sub(now).Hours() / 24)
	data := Pass("until %s (%d days)", dataEnds.Format("2006-01-02"), left)
	if left < 60 {
		data = Warning(fmt.Sprintf("ends %s, in %d days", dataEnds.Format("2006-01-02"), left),
			"add calendar.overrides for the next year, or upgrade dingops (its lunar-go holiday data)")
	}
	out := []Check{Static("calendar", "holiday data", "read the statutory holiday table", data)}
	for _, w := range sortedKeys(windowApps) {
		app := windowApps[w]
		out = append(out, Check{"calendar", "window " + w, "plan the next 14 days for " + app, func(context.Context) Outcome {
			n, ok := plan(app, now, 14)
			if !ok || n == 0 {
				return Warning("no opening in the next 14 days", "check windows."+w+" (periods, days, freezes): releases of "+app+" will be refused")
			}
			return Pass("opens on %d of the next 14 days", n)
		}})
	}
	return out
}
