package configs

import "time"

// Confirm says how to confirm that users get a deploy after it succeeded:
// public URLs fetched with a plain GET until they serve the new version,
// within Timeout (default 15m); past it the card says "not confirmed",
// never failed.
type Confirm struct {
	URLs    []string `yaml:"urls"`
	Timeout Duration `yaml:"timeout"`
}

func (c *Confirm) validate(v *validator, p string) {
	if len(c.URLs) == 0 {
		v.bad(p+".urls", "needs at least one public URL of the fixed key, e.g. https://static.example.com/web/manifest.json")
	}
	for _, u := range c.URLs {
		v.httpURL(p+".urls", u)
	}
	setDur(&c.Timeout, 15*time.Minute)
}
