package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// TestCreateRequestAudits: a request and the audit rows made from the
// stored release commit together; a repeated message or a second active
// request records neither; audit rows the database refuses roll the
// request back.
func TestCreateRequestAudits(t *testing.T) {
	var _ core.RequestRecorder = (*store.Store)(nil)
	storetest.Each(t, coretest.NewClock(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		audit := func(r core.Release) []core.AuditEvent {
			return []core.AuditEvent{
				{At: t0, Actor: "alice", Kind: core.AuditRequest, App: r.App, ReleaseID: r.ID, Origin: core.OriginText, Detail: "v" + string(rune('0'+r.Version))},
				{At: t0, Actor: "alice", Kind: core.AuditOverride, App: r.App, ReleaseID: r.ID, Detail: "urgent"},
			}
		}
		r := rel("web", core.StatusPendingApproval, 1)
		r.OriginMsgID = "msg-1"
		got, err := s.CreateRequest(ctx, r, audit)
		require.NoError(t, err)
		assert.Equal(t, 1, got.Version)
		evs, err := s.Audit(ctx, core.AuditFilter{ReleaseID: got.ID})
		require.NoError(t, err)
		require.Len(t, evs, 2)
		assert.Equal(t, "v1", evs[0].Detail, "made from the stored release")
		assert.Equal(t, core.OriginText, evs[0].Origin)

		again, err := s.CreateRequest(ctx, r, audit)
		assert.ErrorIs(t, err, core.ErrDuplicate)
		assert.Equal(t, got.ID, again.ID)
		r.OriginMsgID = "msg-2"
		_, err = s.CreateRequest(ctx, r, audit)
		assert.ErrorIs(t, err, core.ErrActiveExists)
		all, err := s.Audit(ctx, core.AuditFilter{App: "web"})
		require.NoError(t, err)
		assert.Len(t, all, 2, "a refused request writes no audit row")

		// An audit row the database refuses (a NUL byte: PostgreSQL's text
		// refuses it; SQLite takes it) must not leave the request behind.
		r = rel("api", core.StatusPendingApproval, 1)
		r.OriginMsgID = "msg-3"
		_, err = s.CreateRequest(ctx, r, func(core.Release) []core.AuditEvent {
			return []core.AuditEvent{{At: t0, Actor: "alice", Kind: core.AuditRequest, App: "api", Detail: "bad\x00"}}
		})
		if err == nil {
			return // SQLite stored it; nothing more to check
		}
		assert.True(t, strings.Contains(err.Error(), "audit"), err.Error())
		_, err = s.Active(ctx, "api")
		assert.ErrorIs(t, err, core.ErrNotFound, "the request rolled back with its audit row")
	})
}
