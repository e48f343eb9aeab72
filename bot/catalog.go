package bot

import (
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	"github.com/dingops/dingops/core"
)

// Catalog holds every sentence people read, in Chinese and English.
type Catalog struct {
	text map[string]map[string]string
}

// NewCatalog loads the built-in catalogue.
func NewCatalog() *Catalog {
	return &Catalog{text: merged(
		map[string]map[string]string{"zh": catalogZH, "en": catalogEN},
		map[string]map[string]string{"zh": catalogAlertsZH, "en": catalogAlertsEN},
		map[string]map[string]string{"zh": catalogBranchZH, "en": catalogBranchEN},
		map[string]map[string]string{"zh": catalogRollbackZH, "en": catalogRollbackEN},
		map[string]map[string]string{"zh": catalogWinDataZH, "en": catalogWinDataEN},
		map[string]map[string]string{"zh": catalogLangZH, "en": catalogLangEN},
		map[string]map[string]string{"zh": catalogCLIZH, "en": catalogCLIEN},
		map[string]map[string]string{"zh": catalogConfirmZH, "en": catalogConfirmEN},
		map[string]map[string]string{"zh": catalogResumeZH, "en": catalogResumeEN},
		map[string]map[string]string{"zh": catalogTextZH, "en": catalogTextEN},
		map[string]map[string]string{"zh": catalogSmallZH, "en": catalogSmallEN})}
}

// merged is the catalogue of base with each part's sentences added, per
// language; the parts live in their own files (catalog_alerts.go, …) so
// the big catalogues stay as they are.
func merged(base map[string]map[string]string, parts ...map[string]map[string]string) map[string]map[string]string {
	out := make(map[string]map[string]string, len(base))
	for lang, m := range base {
		all := maps.Clone(m)
		for _, p := range parts {
			maps.Copy(all, p[lang])
		}
		out[lang] = all
	}
	return out
}

// Languages lists the languages the catalogue has.
func (c *Catalog) Languages() []string { return []string{"zh", "en"} }

// Keys lists a language's keys, sorted.
func (c *Catalog) Keys(lang string) []string {
	out := make([]string, 0, len(c.text[lang]))
	for k := range c.text[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether the catalogue has key in lang.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.text[lang][key]
	return ok
}

// Raw is the unformatted sentence, falling back to Chinese, then the key.
func (c *Catalog) Raw(lang, key string) string {
	if s, ok := c.text[lang][key]; ok {
		return s
	}
	if s, ok := c.text["zh"][key]; ok {
		return s
	}
	return key
}

// T renders key with {name} placeholders replaced by already formatted args.
func (c *Catalog) T(lang, key string, args map[string]any) string {
	s := c.Raw(lang, key)
	if len(args) == 0 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, 2*len(args))
	for k, v := range args {
		pairs = append(pairs, "{"+k+"}", fmt.Sprint(v))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// formatter renders argument values for one reader: times in the zone,
// lists joined, statuses and lock kinds in words.
type formatter struct {
	lang string
	zone *time.Location
	cat  *Catalog
}

func (f formatter) value(v any) string {
	switch x := v.(type) {
	case time.Time:
		return f.time(x)
	case []string:
		return f.list(x)
	case core.Status:
		return f.cat.Raw(f.lang, "status."+string(x))
	case core.LockKind:
		return f.cat.Raw(f.lang, "lock."+string(x))
	case core.ReleaseID:
		return x.String()
	case time.Duration:
		return Duration(x)
	case nil:
		return ""
	case []any:
		parts := make([]string, len(x))
		for i, v := range x {
			parts[i] = f.value(v)
		}
		return f.list(parts)
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil && len(x) >= 20 {
			return f.time(t)
		}
		return x
	case float64:
		if x == float64(int64(x)) {
			return fmt.Sprint(int64(x))
		}
	}
	return fmt.Sprint(v)
}

func (f formatter) args(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		out[k] = f.value(v)
	}
	return out
}

func (f formatter) list(xs []string) string {
	if len(xs) == 0 {
		return f.cat.Raw(f.lang, "word.none")
	}
	sep := ", "
	if f.lang == "zh" {
		sep = "、"
	}
	return strings.Join(xs, sep)
}

// time shows a day and minute in the zone, with the zone's name so nobody
// guesses which clock is meant.
func (f formatter) time(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(f.zone).Format("01-02 15:04 MST")
}

// Duration is how every reply, card, digest and dashboard page shows a
// duration: 850ms, 45.0s, 4m12s, 1h02m.
func Duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

func (b *Bot) fmt(lang string) formatter { return formatter{lang: lang, zone: b.cfg.Zone, cat: b.cat} }

// t renders a catalogue sentence for lang with args formatted.
func (b *Bot) t(lang, key string, kv ...any) string {
	args := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i].(string)] = kv[i+1]
	}
	return b.cat.T(lang, key, b.fmt(lang).args(args))
}

func (b *Bot) renderNotice(lang string, n *Notice) string {
	args := b.fmt(lang).args(n.Args)
	if cmd, ok := n.Args["cmd"]; ok {
		if name, ok := cmd.(Name); ok {
			args["usage"] = b.cat.Raw(lang, usageKey(name))
			args["cmd"] = "/" + string(name)
		}
	}
	for _, k := range []string{"got", "extra"} { // echoed input
		if s, ok := args[k].(string); ok {
			args[k] = Neutral(s)
		}
	}
	if arg, ok := n.Args["arg"].(string); ok {
		args["arg"] = b.cat.Raw(lang, "arg."+arg)
	}
	return b.cat.T(lang, n.Key, args)
}
