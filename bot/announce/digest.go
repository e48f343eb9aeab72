package announce

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
)

// maxFailures is how many failed releases a digest names per app.
const maxFailures = 5

// Digest is a weekly summary of some apps' releases.
type Digest struct {
	From, To time.Time // releases created in [From, To)
	Zone     *time.Location
	Apps     []AppDigest
}

// AppDigest is one app's week.
type AppDigest struct {
	App                                     string
	Releases, ReleasesOK, ReleasesFailed    int
	Rollbacks, RollbacksOK, RollbacksFailed int
	Requesters                              []Requester // most requests first
	Failures                                []string    // "#12 · web v7", oldest first
	// Recovered counts succeeded rollbacks; the time to recover of one is
	// from its request to its success.
	Recovered                 int
	MedianRecover, MaxRecover time.Duration
}

// Requester is a staff id and how many releases and rollbacks it requested.
type Requester struct {
	StaffID string
	Count   int
}

// Summarize counts releases per app, in the order of apps. Releases of
// other apps are ignored.
func Summarize(apps []string, rs []core.Release) []AppDigest {
	out := make([]AppDigest, len(apps))
	index := make(map[string]int, len(apps))
	for i, a := range apps {
		out[i].App = a
		index[a] = i
	}
	who := make([]map[string]int, len(apps))
	ttr := make([][]time.Duration, len(apps))
	for _, r := range rs {
		i, ok := index[r.App]
		if !ok {
			continue
		}
		d := &out[i]
		done, failed := r.Status == core.StatusSucceeded, r.Status == core.StatusFailed
		if r.Kind == core.KindRollback {
			d.Rollbacks, d.RollbacksOK, d.RollbacksFailed = d.Rollbacks+1, d.RollbacksOK+b2i(done), d.RollbacksFailed+b2i(failed)
			if done && !r.FinishedAt.IsZero() && !r.CreatedAt.IsZero() {
				ttr[i] = append(ttr[i], r.FinishedAt.Sub(r.CreatedAt))
			}
		} else {
			d.Releases, d.ReleasesOK, d.ReleasesFailed = d.Releases+1, d.ReleasesOK+b2i(done), d.ReleasesFailed+b2i(failed)
		}
		if failed {
			d.Failures = append(d.Failures, r.Label())
		}
		if who[i] == nil {
			who[i] = map[string]int{}
		}
		who[i][r.Requester]++
	}
	for i := range out {
		out[i].Requesters = rank(who[i])
		out[i].Recovered = len(ttr[i])
		out[i].MedianRecover, out[i].MaxRecover = medianMax(ttr[i])
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func rank(counts map[string]int) []Requester {
	out := make([]Requester, 0, len(counts))
	for id, n := range counts {
		out = append(out, Requester{StaffID: id, Count: n})
	}
	slices.SortFunc(out, func(a, b Requester) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.StaffID, b.StaffID))
	})
	return out
}

// medianMax of durations, rounded to the second; an even count's median is
// the mean of the middle two.
func medianMax(ds []time.Duration) (time.Duration, time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return m.Round(time.Second), s[len(s)-1].Round(time.Second)
}

// Digest renders the weekly digest.
func (r *Renderer) Digest(lang string, d Digest) Message {
	title := r.t(lang, "announce.digest.title")
	from, to := d.From.In(d.Zone), d.To.In(d.Zone)
	parts := []string{r.t(lang, "announce.digest.range",
		"from", r.day(lang, core.DateOf(from))+" "+from.Format("15:04"),
		"to", r.day(lang, core.DateOf(to))+" "+to.Format("15:04"))}
	for _, a := range d.Apps {
		parts = append(parts, r.appDigest(lang, a))
	}
	return r.message(lang, title, d.Zone, parts...)
}

func (r *Renderer) appDigest(lang string, a AppDigest) string {
	if a.Releases+a.Rollbacks == 0 {
		return r.t(lang, "announce.digest.quiet", "app", a.App)
	}
	lines := []string{r.t(lang, "announce.digest.app", "app", a.App, "releases", a.Releases, "releases_ok", a.ReleasesOK,
		"releases_failed", a.ReleasesFailed, "rollbacks", a.Rollbacks, "rollbacks_ok", a.RollbacksOK,
		"rollbacks_failed", a.RollbacksFailed)}
	who := make([]string, len(a.Requesters))
	for i, q := range a.Requesters {
		who[i] = fmt.Sprintf("%s ×%d", q.StaffID, q.Count)
	}
	lines = append(lines, r.t(lang, "announce.digest.who", "who", r.list(lang, who)))
	if len(a.Failures) > 0 {
		shown := a.Failures[:min(len(a.Failures), maxFailures)]
		list := r.list(lang, shown)
		if more := len(a.Failures) - len(shown); more > 0 {
			list += " " + r.t(lang, "announce.digest.more", "n", more)
		}
		lines = append(lines, r.t(lang, "announce.digest.failures", "list", list))
	}
	if a.Recovered > 0 {
		lines = append(lines, r.t(lang, "announce.digest.recover", "median", bot.Duration(a.MedianRecover),
			"max", bot.Duration(a.MaxRecover)))
	}
	return strings.Join(lines, "\n")
}
