package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// EnvScale sets how many releases the scale benchmark seeds (default
// 20,000; .ci/run sets 1,000,000 once).
const EnvScale = "DINGOPS_SCALE_RELEASES"

func scaleRows() int {
	if n, err := strconv.Atoi(os.Getenv(EnvScale)); err == nil && n > 0 {
		return n
	}
	return 20000
}

// seed inserts n succeeded releases across 1,000 apps (n/1000 each), in
// multi-row inserts, and points each app's live release at its newest.
func seed(b *testing.B, s *store.Store, n int) {
	ctx := context.Background()
	apps := 1000
	per := max(n/apps, 1)
	start := time.Now()
	const batch = 500
	var rows []string
	flush := func() {
		if len(rows) == 0 {
			return
		}
		q := "INSERT INTO releases (app, version, kind, status, artifact_kind, artifact_ref, requester, created_at, updated_at, finished_at) VALUES " +
			strings.Join(rows, ",")
		_, err := s.DB().ExecContext(ctx, q)
		require.NoError(b, err)
		rows = rows[:0]
	}
	for a := 0; a < apps; a++ {
		for v := 1; v <= per; v++ {
			rows = append(rows, fmt.Sprintf("('app%04d', %d, 'release', 'succeeded', 'oss', 'app%04d/manifest.%d.json', 'alice', %d, %d, %d)",
				a, v, a, v, v, v, v))
			if len(rows) == batch {
				flush()
			}
		}
	}
	flush()
	_, err := s.DB().ExecContext(ctx, fmt.Sprintf(`INSERT INTO apps (name, next_version, live_release_id, live_since)
		SELECT app, MAX(version) + 1, MAX(id), 1 FROM releases GROUP BY app`))
	require.NoError(b, err)
	if s.Dialect() == "postgres" {
		_, err = s.DB().ExecContext(ctx, "ANALYZE releases")
		require.NoError(b, err)
	}
	b.Logf("seeded %d releases across %d apps in %s", per*apps, apps, time.Since(start).Round(time.Millisecond))
}

// BenchmarkHistoryAtScale measures /history's query and "what is live" with
// many releases; docs/benchmarks.md records the 1,000,000-row figures.
func BenchmarkHistoryAtScale(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s := storetest.Open(b, be.DSN(b), coretest.NewClock(t0))
			seed(b, s, scaleRows())
			ctx := context.Background()
			b.Run("history", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					rs, err := s.History(ctx, fmt.Sprintf("app%04d", i%1000), 0, 10)
					if err != nil || len(rs) == 0 {
						b.Fatal(err, len(rs))
					}
				}
			})
			b.Run("live", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					if _, err := s.Live(ctx, fmt.Sprintf("app%04d", i%1000)); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
