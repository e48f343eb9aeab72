package system

import (
	"fmt"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/bot/announce"
	"github.com/dingops/dingops/bot/stream"
	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/core"
)

// services builds the long-running parts of `dingops serve`: the DingTalk
// stream transport and its card notifier, announcements, the ops and web
// listeners (bound here, so a taken port fails start-up), and the pruner.
func (p *parts) services(sys *System, dt *dingtalk.Client) error {
	cfg, m, log := p.cfg, p.metrics, p.log
	var notifier core.Notifier = core.NopNotifier{}
	var tr *stream.Transport
	opsCfg := web.OpsConfig{Addr: cfg.Server.OpsAddr, DB: sys.Store, Metrics: m.Handler(), Logger: log.With("service", "ops")}
	if dt != nil {
		var err error
		tr, err = stream.New(stream.Config{Bot: sys.Bot, API: dt, Releases: sys.Engine, Store: sys.Store, CardTemplateID: cfg.DingTalk.CardTemplateID,
			Handlers: cfg.DingTalk.Handlers, SpoolDir: cfg.DingTalk.SpoolDir, SpoolMax: cfg.DingTalk.SpoolMax,
			Clock: p.clock, Logger: log.With("adapter", "dingtalk")})
		if err != nil {
			return fmt.Errorf("dingtalk stream: %w", err)
		}
		notifier, opsCfg.Stream = tr.Notifier(), tr
		m.WatchStream(tr)
		sys.Services = append(sys.Services, tr)
	}
	if p.opts.Notifier == nil {
		sys.Engine.SetNotifier(m.Notifier(notifier))
	}
	if err := p.announcements(sys, dt); err != nil {
		return err
	}
	return p.listeners(sys, tr, opsCfg)
}

func (p *parts) listeners(sys *System, tr *stream.Transport, opsCfg web.OpsConfig) error {
	cfg, log := p.cfg, p.log
	ops, err := web.NewOps(opsCfg)
	if err != nil {
		return err
	}
	wcfg := web.Config{Addr: cfg.Server.WebAddr, Token: cfg.Server.APIToken.Value(), TrustedUserHeader: cfg.Server.TrustedUserHeader,
		TrustedProxies: cfg.Server.TrustedProxyPrefixes(),
		Engine:         sys.Engine, Records: sys.Store, Texts: sys.Bot, Language: cfg.Language, Zone: cfg.Zone(),
		Clock: p.clock, Logger: log.With("service", "web"), Redactor: p.red}
	if len(cfg.Windows) > 0 {
		wcfg.Windows = p.windows
	}
	if err := p.alertIntake(sys, tr, &wcfg); err != nil {
		return err
	}
	w, err := web.New(wcfg)
	if err != nil {
		return err
	}
	if err := ops.Listen(); err != nil {
		return err
	}
	sys.onClose(func() { _ = ops.Close() })
	if err := w.Listen(); err != nil {
		return err
	}
	pr := web.NewPruner(web.PrunerConfig{Stores: map[string]web.Prunable{"inbox": sys.Store.Inbox(),
		"announcements": web.PruneFunc(sys.Store.PruneAnnouncements)}, Retention: cfg.Server.Retention.Std(),
		Clock: p.clock, Logger: log.With("service", "pruner")})
	sys.Services = append(sys.Services, ops, w, pr)
	return nil
}

// announcements builds the scheduled posts, when any are configured and
// DingTalk is there to send them.
func (p *parts) announcements(sys *System, dt *dingtalk.Client) error {
	cfg := p.cfg
	if len(cfg.Announcements.Posts) == 0 || dt == nil {
		return nil
	}
	ann, err := announce.New(announce.Config{Observer: p.metrics, Posts: announcePosts(cfg),
		Windows: p.windows.AppWindows, Calendar: p.windows.cal, Releases: sys.Store, Guard: sys.Store, Sender: dt,
		Zone: cfg.Zone(), Grace: cfg.Announcements.Grace.Std(), Retention: cfg.Server.Retention.Std(),
		Clock: p.clock, Logger: p.log.With("service", "announcements")})
	if err != nil {
		return fmt.Errorf("announcements: %w", err)
	}
	sys.Services = append(sys.Services, ann)
	return nil
}
