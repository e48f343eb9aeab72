package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dingops/dingops/core"
)

var _ core.VisibilityStore = (*Store)(nil)

type visibleStep struct {
	Name string `json:"name"`
	At   int64  `json:"at"`
}

func encodeSteps(steps []core.VisibleStep) string {
	out := make([]visibleStep, len(steps))
	for i, s := range steps {
		out[i] = visibleStep{Name: s.Name, At: ms(s.At)}
	}
	b, _ := json.Marshal(out) // a slice of plain structs always encodes
	return string(b)
}

func decodeSteps(s string) ([]core.VisibleStep, error) {
	var in []visibleStep
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, err
	}
	var out []core.VisibleStep
	for _, x := range in {
		out = append(out, core.VisibleStep{Name: x.Name, At: fromMS(x.At)})
	}
	return out, nil
}

// SaveVisibility implements core.VisibilityStore: one row per release,
// replaced by each report.
func (s *Store) SaveVisibility(ctx context.Context, r core.Release, owner string, v core.Visibility) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO release_visibility (release_id, app, owner, switched_at, steps, served_at,
		timed_out, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (release_id) DO UPDATE SET owner = EXCLUDED.owner,
		switched_at = EXCLUDED.switched_at, steps = EXCLUDED.steps, served_at = EXCLUDED.served_at,
		timed_out = EXCLUDED.timed_out, updated_at = EXCLUDED.updated_at`,
		int64(r.ID), r.App, owner, ms(v.Switched), encodeSteps(v.Steps), ms(v.Served), v.TimedOut, ms(s.now()))
	if err != nil {
		return fmt.Errorf("recording the user-visible confirmation of %s: %w", r.Label(), err)
	}
	return nil
}

// LoadVisibility implements core.VisibilityStore.
func (s *Store) LoadVisibility(ctx context.Context, id core.ReleaseID) (*core.Visibility, error) {
	var switched, served int64
	var steps string
	var timedOut bool
	err := s.db.QueryRowContext(ctx, `SELECT switched_at, steps, served_at, timed_out FROM release_visibility
		WHERE release_id = ?`, int64(id)).Scan(&switched, &steps, &served, &timedOut)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the user-visible confirmation of #%d: %w", id, err)
	}
	v := core.Visibility{Switched: fromMS(switched), Served: fromMS(served), TimedOut: timedOut}
	if v.Steps, err = decodeSteps(steps); err != nil {
		return nil, fmt.Errorf("reading the user-visible confirmation of #%d: steps: %w", id, err)
	}
	return &v, nil
}

// OpenVisibilities implements core.VisibilityStore.
func (s *Store) OpenVisibilities(ctx context.Context) ([]core.OpenVisibility, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT release_id, owner, switched_at, steps FROM release_visibility
		WHERE served_at = 0 AND timed_out = FALSE ORDER BY release_id`)
	if err != nil {
		return nil, fmt.Errorf("reading open user-visible confirmations: %w", err)
	}
	defer rows.Close()
	var out []core.OpenVisibility
	for rows.Next() {
		var id, switched int64
		var owner, steps string
		if err := rows.Scan(&id, &owner, &switched, &steps); err != nil {
			return nil, fmt.Errorf("reading open user-visible confirmations: %w", err)
		}
		o := core.OpenVisibility{ReleaseID: core.ReleaseID(id), Owner: owner,
			Visibility: core.Visibility{Switched: fromMS(switched)}}
		if o.Steps, err = decodeSteps(steps); err != nil {
			return nil, fmt.Errorf("reading open user-visible confirmations: #%d steps: %w", id, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ClaimVisibility implements core.VisibilityStore, compare-and-set on owner.
func (s *Store) ClaimVisibility(ctx context.Context, id core.ReleaseID, from, to string) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE release_visibility SET owner = ? WHERE release_id = ? AND owner = ?`,
		to, int64(id), from)
	if err != nil {
		return false, fmt.Errorf("claiming the user-visible confirmation of #%d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
