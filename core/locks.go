package core

import (
	"context"
	"errors"
	"fmt"
)

// Lock freezes app by hand: no release or rollback until someone unlocks.
func (e *Engine) Lock(ctx context.Context, who Actor, appName, why string) (Lock, error) {
	if bad := checkTexts("reason", why); bad != nil {
		return Lock{}, e.refused(ctx, who, appName, 0, bad)
	}
	app, ref := e.App(appName)
	if ref != nil {
		return Lock{}, e.refused(ctx, who, appName, 0, ref)
	}
	if !app.CanRequest(who.StaffID) {
		return Lock{}, e.refused(ctx, who, app.Name, 0, Refuse(CodeNotPermitted, "app", app.Name, "user", who.StaffID,
			"teams", append(app.ReleaseTeams, app.ApproverTeams...)))
	}
	l := Lock{App: app.Name, Kind: LockManual, Holder: who.StaffID, Reason: why, Since: e.Now()}
	held, err := e.cfg.Locks.Freeze(ctx, l)
	if errors.Is(err, ErrLocked) {
		return held, e.refused(ctx, who, app.Name, 0, lockRefusal(held))
	}
	if err != nil {
		return Lock{}, fmt.Errorf("locking %s: %w", app.Name, err)
	}
	e.audit(ctx, who, AuditLock, app.Name, 0, why)
	return held, nil
}

// Unlock lifts a manual or after-rollback freeze and returns it, so the
// caller can tell its holder. Only people in the app's teams may unlock.
func (e *Engine) Unlock(ctx context.Context, who Actor, appName string) (Lock, error) {
	app, ref := e.App(appName)
	if ref != nil {
		return Lock{}, e.refused(ctx, who, appName, 0, ref)
	}
	if !app.CanRequest(who.StaffID) {
		return Lock{}, e.refused(ctx, who, app.Name, 0, Refuse(CodeNotPermitted, "app", app.Name, "user", who.StaffID,
			"teams", append(app.ReleaseTeams, app.ApproverTeams...)))
	}
	l, err := e.cfg.Locks.Unfreeze(ctx, app.Name)
	if errors.Is(err, ErrNotFound) {
		return Lock{}, e.refused(ctx, who, app.Name, 0, Refuse(CodeNotLocked, "app", app.Name))
	}
	if err != nil {
		return Lock{}, fmt.Errorf("unlocking %s: %w", app.Name, err)
	}
	e.audit(ctx, who, AuditUnlock, app.Name, l.ReleaseID, fmt.Sprintf("%s lock by %s: %s", l.Kind, l.Holder, l.Reason))
	return l, nil
}
