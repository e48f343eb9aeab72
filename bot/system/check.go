package system

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/dingops/dingops/adapters/calendar"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
)

// Check is `config check`'s pass over what the assembly would build,
// without I/O: the problems (a window the engine refuses, a DingTalk
// section the client refuses), the warnings (a target that cannot be built
// on this machine, holiday data running out within calendar.DataWarnDays)
// and notes (until when the holiday data runs).
func Check(cfg *configs.Config, now time.Time) (problems, warnings []configs.Problem, notes []string) {
	ws, probs, err := buildWindows(cfg)
	if err != nil {
		return []configs.Problem{cfg.Problem("calendar", err.Error())}, nil, nil
	}
	quiet := slog.New(slog.DiscardHandler)
	dt, err := dingtalkClient(cfg, nil, quiet)
	if err != nil {
		probs = append(probs, cfg.Problem("dingtalk", err.Error()))
	}
	var warns []configs.Problem
	_, broken := deployers(cfg, dt, Tuning{}, quiet)
	for _, app := range sortedKeys(broken) {
		warns = append(warns, cfg.Problem("apps."+app+".target", "cannot be built here: "+broken[app].Error()))
	}
	note, late := HolidayData(cfg, ws.DataEnds(), now, calendar.DataWarnDays)
	return probs, append(warns, late...), []string{note}
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
