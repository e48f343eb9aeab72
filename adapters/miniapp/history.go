package miniapp

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/core"
)

// maxPages bounds a history search, so a misbehaving answer cannot loop.
const maxPages = 200

// shownKnown is how many versions a "not found" refusal names.
const shownKnown = 5

// found is a version and where DingTalk lists it: current (the version
// list, published to go online) or only in the history (rolled back to).
type found struct {
	dingtalk.MiniAppVersion
	current bool
}

// find looks id up in the version list, then in the history; a version in
// neither is refused with the newest versions DingTalk does know.
func (d *Deployer) find(ctx context.Context, a core.Artifact, id int64) (found, error) {
	vs, err := d.api.MiniAppVersions(ctx, d.cfg.AgentID)
	if err != nil {
		return found{}, fmt.Errorf("reading the versions of %s: %w", d.subject(a), err)
	}
	if i := slices.IndexFunc(vs, func(v dingtalk.MiniAppVersion) bool { return v.ID == id }); i >= 0 {
		return found{vs[i], true}, d.sameApp(a, vs[i])
	}
	hist, err := d.history(ctx, id)
	if err != nil {
		return found{}, fmt.Errorf("reading the history versions of %s: %w", d.subject(a), err)
	}
	if i := slices.IndexFunc(hist, func(v dingtalk.MiniAppVersion) bool { return v.ID == id }); i >= 0 {
		return found{hist[i], false}, d.sameApp(a, hist[i])
	}
	return found{}, fmt.Errorf("%s is not among DingTalk's versions of agent %s (newest: %s)",
		d.subject(a), d.cfg.AgentID, known(hist, vs))
}

// sameApp refuses a version of another mini program when MiniAppID is set.
func (d *Deployer) sameApp(a core.Artifact, v dingtalk.MiniAppVersion) error {
	if d.cfg.MiniAppID != "" && v.MiniAppID != "" && v.MiniAppID != d.cfg.MiniAppID {
		return fmt.Errorf("%s belongs to mini program %s, not %s", d.subject(a), v.MiniAppID, d.cfg.MiniAppID)
	}
	return nil
}

// history pages through the history versions until id is seen or the
// history ends, and returns what it read newest first by creation time:
// DingTalk documents no order for the answer.
func (d *Deployer) history(ctx context.Context, id int64) ([]dingtalk.MiniAppVersion, error) {
	var out []dingtalk.MiniAppVersion
	for page := 1; page <= maxPages; page++ {
		p, err := d.api.MiniAppHistory(ctx, d.cfg.AgentID, page, d.cfg.PageSize)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Versions...)
		seen := slices.ContainsFunc(p.Versions, func(v dingtalk.MiniAppVersion) bool { return v.ID == id })
		if seen || len(p.Versions) < d.cfg.PageSize || int64(len(out)) >= p.Total {
			break
		}
	}
	byCreation(out)
	return out, nil
}

// byCreation sorts newest first by createTime ("yyyy-MM-dd HH:mm:ss"),
// then by appVersionId, which DingTalk hands out in increasing order.
func byCreation(vs []dingtalk.MiniAppVersion) {
	at := func(v dingtalk.MiniAppVersion) time.Time {
		t, _ := time.Parse(time.DateTime, v.CreateTime)
		return t
	}
	slices.SortStableFunc(vs, func(x, y dingtalk.MiniAppVersion) int {
		if c := at(y).Compare(at(x)); c != 0 {
			return c
		}
		return cmp.Compare(y.ID, x.ID)
	})
}

// known names the newest versions read, for a refusal.
func known(hist, current []dingtalk.MiniAppVersion) string {
	all := slices.Concat(current, hist)
	byCreation(all)
	all = slices.CompactFunc(all, func(x, y dingtalk.MiniAppVersion) bool { return x.ID == y.ID })
	var parts []string
	for _, v := range all[:min(len(all), shownKnown)] {
		parts = append(parts, v.Version+" = appVersionId "+strconv.FormatInt(v.ID, 10))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
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
