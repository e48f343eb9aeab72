package playground

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/dingops/dingops/bot/announce"
	"github.com/dingops/dingops/bot/system"
)

// langSwitch asks Run to restart the bot in lang; done gets the outcome.
type langSwitch struct {
	lang string
	done chan error
}

// Lang is the language the playground's bot speaks now.
func (p *Playground) Lang() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lang
}

func (p *Playground) system() *system.System {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sys
}

func (p *Playground) announcer() *announce.Service {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ann
}

// Switch restarts the playground's bot in lang (zh or en), as an operator
// would change `language:` and restart dingops: the services stop, the
// system is assembled again from the same configuration in the new
// language over the same store, and they start again. The emulators, and
// so the group's messages, stay. It needs Run to be running.
func (p *Playground) Switch(ctx context.Context, lang string) error {
	if lang != "zh" && lang != "en" {
		return fmt.Errorf("language %q: the playground speaks zh or en", lang)
	}
	if lang == p.Lang() {
		return nil
	}
	req := langSwitch{lang: lang, done: make(chan error, 1)}
	select {
	case p.switches <- req:
	case <-p.stopping:
		return errors.New("the playground is stopping")
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// restart stops the running services, closes the system and assembles it
// again in lang. Run calls it between two generations of services.
func (p *Playground) restart(ctx context.Context, g *services, lang string) error {
	if err := g.stop(p.drainTimeout()); err != nil {
		p.log.Warn("switching the playground's language", "err", err)
	}
	old := p.system()
	old.Close()
	cfg := *p.cfg // a copy: the old system's readers keep theirs
	cfg.Language = lang
	if err := p.assemble(ctx, &cfg); err != nil {
		return fmt.Errorf("restarting the playground in %s: %w", lang, err)
	}
	p.hub.setAnnouncer(p.announcer())
	p.mountWeb()
	p.hub.refresh()
	return nil
}

// page serves the playground page in the bot's language, so the page and
// the bot never speak two: the page's language switch (?lang=) restarts
// the bot in the language chosen first.
func (p *Playground) page(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if l := q.Get("lang"); (l == "zh" || l == "en") && l != p.Lang() {
		if err := p.Switch(r.Context(), l); err != nil {
			http.Error(w, "switching the language: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	q.Set("lang", p.Lang())
	r = r.Clone(r.Context())
	r.URL.RawQuery = q.Encode()
	(*p.handler.Load()).ServeHTTP(w, r)
}
