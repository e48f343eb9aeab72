package miniapp

import (
	"context"
	"fmt"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/core"
)

// maxPages bounds a history search, so a misbehaving answer cannot loop.
const maxPages = 200

// position is where a version stands in the history, 0 being the newest.
type position struct {
	pos int
	v   dingtalk.MiniAppVersion
}

// scan pages through the history, newest first, until every id in want is
// found or the history ends.
func (d *Deployer) scan(ctx context.Context, want ...int64) (map[int64]position, error) {
	found := map[int64]position{}
	pos := 0
	for page := 1; page <= maxPages; page++ {
		p, err := d.api.MiniAppHistory(ctx, d.cfg.AgentID, page, d.cfg.PageSize)
		if err != nil {
			return nil, err
		}
		for _, v := range p.Versions {
			for _, id := range want {
				if v.ID == id {
					found[id] = position{pos, v}
				}
			}
			pos++
		}
		if len(found) == len(want) || len(p.Versions) < d.cfg.PageSize || int64(pos) >= p.Total {
			break
		}
	}
	return found, nil
}

// historyVersion is the version id in the history, or a refusal naming the
// app and the version.
func (d *Deployer) historyVersion(ctx context.Context, a core.Artifact, id int64) (dingtalk.MiniAppVersion, error) {
	found, err := d.scan(ctx, id)
	if err != nil {
		return dingtalk.MiniAppVersion{}, fmt.Errorf("reading the history versions of %s: %w", d.subject(a), err)
	}
	p, ok := found[id]
	if !ok {
		return dingtalk.MiniAppVersion{}, fmt.Errorf("%s is not among DingTalk's history versions of agent %s",
			d.subject(a), d.cfg.AgentID)
	}
	if d.cfg.MiniAppID != "" && p.v.MiniAppID != "" && p.v.MiniAppID != d.cfg.MiniAppID {
		return dingtalk.MiniAppVersion{}, fmt.Errorf("%s belongs to mini program %s, not %s",
			d.subject(a), p.v.MiniAppID, d.cfg.MiniAppID)
	}
	return p.v, nil
}

// isOlder reports whether id is older than the online version (history is
// newest first); with nothing online every version is a publish.
func (d *Deployer) isOlder(ctx context.Context, a core.Artifact, id, online int64) (bool, error) {
	want := []int64{id}
	if online != 0 {
		want = append(want, online)
	}
	found, err := d.scan(ctx, want...)
	if err != nil {
		return false, fmt.Errorf("reading the history versions of %s: %w", d.subject(a), err)
	}
	target, ok := found[id]
	if !ok {
		return false, fmt.Errorf("deploying %s: it is not among DingTalk's history versions of agent %s",
			d.subject(a), d.cfg.AgentID)
	}
	cur, ok := found[online]
	if !ok {
		// The online version is not in the history answer: fall back on ids,
		// which DingTalk hands out in increasing order.
		return online != 0 && id < online, nil
	}
	return target.pos > cur.pos, nil
}

// fail explains a refused publish or rollback.
func (d *Deployer) fail(action string, a core.Artifact, err error) error {
	hint := ""
	switch {
	case dingtalk.HasCode(err, "noAppManagePermission"):
		hint = fmt.Sprintf("the operator union id %s lacks app-management rights on agent %s: ", d.cfg.OpUnionID, d.cfg.AgentID)
	case dingtalk.HasCode(err, "invalidMiniVersion"):
		hint = "DingTalk does not accept this version: "
	case dingtalk.HasCode(err, "appTypeNotSupport"):
		hint = fmt.Sprintf("agent %s is not an enterprise self-built mini program: ", d.cfg.AgentID)
	case dingtalk.HasCode(err, "invalidAgentId"):
		hint = fmt.Sprintf("agent id %s is not known to DingTalk: ", d.cfg.AgentID)
	}
	return fmt.Errorf("%s %s: %s%w", action, d.subject(a), hint, err)
}
