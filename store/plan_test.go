package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// TestQueryPlansUseIndexes checks that history, what is live and the
// active release are index lookups, so they stay fast at 1,000,000 rows.
func TestQueryPlansUseIndexes(t *testing.T) {
	storetest.Each(t, coretest.NewClock(t0), func(t *testing.T, s *store.Store) {
		queries := map[string]string{
			"history":    "SELECT * FROM releases WHERE app = 'web' AND version < 100 ORDER BY version DESC LIMIT 10",
			"live":       "SELECT live_release_id FROM apps WHERE name = 'web'",
			"live-join":  "SELECT r.id FROM apps a JOIN releases r ON r.id = a.live_release_id WHERE a.name = 'web'", // Store.Live
			"active":     "SELECT * FROM releases WHERE app = 'web' AND status IN ('pending_approval', 'approved', 'queued', 'building', 'deploying')",
			"byid":       "SELECT * FROM releases WHERE id = 5",
			"unfinished": "SELECT * FROM releases WHERE status IN ('pending_approval', 'approved', 'queued', 'building', 'deploying') ORDER BY id",
		}
		for name, q := range queries {
			plan := explain(t, s, q)
			assert.False(t, fullScan(s, plan), "%s does a full scan:\n%s", name, plan)
		}
	})
}

func explain(t *testing.T, s *store.Store, q string) string {
	ctx := context.Background()
	conn, err := s.DB().Conn(ctx) // one connection, so the SET applies to the EXPLAIN
	require.NoError(t, err)
	defer conn.Close()
	prefix := "EXPLAIN QUERY PLAN "
	if s.Dialect() == "postgres" {
		// An empty table makes a sequential scan cheapest; forbid it to see
		// whether an index can answer at all.
		_, err := conn.ExecContext(ctx, "SET enable_seqscan = off")
		require.NoError(t, err)
		prefix = "EXPLAIN "
	}
	rows, err := conn.QueryContext(ctx, prefix+q)
	require.NoError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				out = append(out, string(b))
			} else if str, ok := v.(string); ok {
				out = append(out, str)
			}
		}
	}
	return strings.Join(out, "\n")
}

func fullScan(s *store.Store, plan string) bool {
	if s.Dialect() == "postgres" {
		return strings.Contains(plan, "Seq Scan")
	}
	for _, line := range strings.Split(plan, "\n") {
		if strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "USING") {
			return true
		}
	}
	return false
}
