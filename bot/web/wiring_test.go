package web_test

import (
	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/bot/metrics"
	"github.com/dingops/dingops/bot/stream"
	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// The parts bot/system wires in must keep fitting the interfaces declared
// here; this fails to compile when one drifts.
var (
	_ web.Engine               = (*core.Engine)(nil)
	_ web.Records              = (*store.Store)(nil)
	_ web.Database             = (*store.Store)(nil)
	_ web.WindowPlanner        = (*core.AppWindows)(nil)
	_ web.Texts                = (*bot.Bot)(nil)
	_ web.Prunable             = (*store.Inbox)(nil)
	_ web.Prunable             = web.PruneFunc((*store.Store)(nil).PruneAnnouncements)
	_ web.Stream               = (*stream.Transport)(nil)
	_ stream.Bot               = (*bot.Bot)(nil)
	_ stream.API               = (*dingtalk.Client)(nil)
	_ stream.Releases          = (*core.Engine)(nil)
	_ stream.Store             = (*store.Store)(nil)
	_ metrics.ReconnectCounter = (*stream.Transport)(nil)
	_ system.Service           = (*web.Ops)(nil)
	_ system.Service           = (*web.Server)(nil)
	_ system.Service           = (*web.Pruner)(nil)
)
