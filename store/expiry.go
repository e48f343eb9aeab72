package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/dingops/dingops/core"
)

// expiredError is the error of a request whose approval time ran out, as
// the engine's expiry sweep writes it.
const expiredError = core.ExpiryNote

// expireRow expires a pending request inside tx, with the audit records the
// sweep would write: Decide calls it when a decision arrives at or after
// the expiry, so an expired request is never approved, however long the
// sweep takes to come round.
func expireRow(ctx context.Context, tx bun.Tx, row releaseRow, at time.Time) error {
	t := ms(at)
	if _, err := tx.NewUpdate().Table("releases").Set("status = ?", string(core.StatusExpired)).
		Set("error = ?", expiredError).Set("updated_at = ?", t).Set("finished_at = ?", t).
		Where("id = ?", row.ID).Exec(ctx); err != nil {
		return fmt.Errorf("expiring %d: %w", row.ID, err)
	}
	detail := row.Status + " → " + string(core.StatusExpired)
	return appendAudit(ctx, tx, transitionAudit(row, t, detail),
		core.AuditEvent{At: at, Actor: core.SystemActor, Kind: core.AuditExpire, App: row.App,
			ReleaseID: core.ReleaseID(row.ID), Detail: detail})
}
