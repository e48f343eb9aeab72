package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/dingops/dingops/core"
)

var _ core.BranchStore = (*Store)(nil)

type branchRow struct {
	bun.BaseModel `bun:"table:branches,alias:b"`

	ID             int64  `bun:"id,pk,autoincrement"`
	App            string `bun:"app"`
	Name           string `bun:"name"`
	CommitSHA      string `bun:"commit_sha"`
	Requirement    string `bun:"requirement"`
	RequirementID  string `bun:"requirement_id"`
	RequirementURL string `bun:"requirement_url"`
	Requester      string `bun:"requester"`
	CreatedAt      int64  `bun:"created_at"`
	Released       bool   `bun:"released,scanonly"`
}

func (r branchRow) branch() core.Branch {
	return core.Branch{App: r.App, Name: r.Name, Commit: r.CommitSHA, Requester: r.Requester,
		CreatedAt: fromMS(r.CreatedAt), Released: r.Released,
		Requirement: core.Requirement{Text: r.Requirement, ID: r.RequirementID, URL: r.RequirementURL}}
}

// RecordBranch implements core.BranchStore: the branch and its audit event
// commit together; a name already recorded for the app is ErrDuplicate.
func (s *Store) RecordBranch(ctx context.Context, b core.Branch, ev core.AuditEvent) (core.Branch, error) {
	err := s.w.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO branches (app, name, commit_sha, requirement, requirement_id,
			requirement_url, requester, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
			b.App, b.Name, b.Commit, b.Requirement.Text, b.Requirement.ID, b.Requirement.URL, b.Requester,
			ms(b.CreatedAt)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return core.ErrDuplicate
		}
		if err != nil {
			return fmt.Errorf("inserting branch: %w", err)
		}
		return appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return core.Branch{}, err
	}
	return b, nil
}

// branchQuery selects branches with whether a release of each succeeded.
func (s *Store) branchQuery(rows *[]branchRow) *bun.SelectQuery {
	return s.db.NewSelect().Model(rows).ColumnExpr("b.*").
		ColumnExpr(`EXISTS (SELECT 1 FROM releases r WHERE r.app = b.app AND r.branch = b.name AND r.status = ?) AS released`,
			string(core.StatusSucceeded))
}

// Branches implements core.BranchStore, newest first.
func (s *Store) Branches(ctx context.Context, app string, limit int) ([]core.Branch, error) {
	var rows []branchRow
	q := s.branchQuery(&rows).Where("b.app = ?", app).Order("b.id DESC")
	if limit > 0 {
		q = q.Limit(int64(limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("listing branches of %s: %w", app, err)
	}
	out := make([]core.Branch, len(rows))
	for i, r := range rows {
		out[i] = r.branch()
	}
	return out, nil
}

// BranchByName implements core.BranchStore.
func (s *Store) BranchByName(ctx context.Context, app, name string) (core.Branch, error) {
	var rows []branchRow
	if err := s.branchQuery(&rows).Where("b.app = ? AND b.name = ?", app, name).Scan(ctx); err != nil {
		return core.Branch{}, fmt.Errorf("reading branch %s of %s: %w", name, app, err)
	}
	if len(rows) == 0 {
		return core.Branch{}, core.ErrNotFound
	}
	return rows[0].branch(), nil
}

// encodeExtras stores a release's options and requirement as JSON.
func encodeExtras(r core.Release) (options, requirement string) {
	if len(r.Options) > 0 {
		b, _ := json.Marshal(r.Options)
		options = string(b)
	}
	if r.Requirement != (core.Requirement{}) {
		b, _ := json.Marshal(r.Requirement)
		requirement = string(b)
	}
	return options, requirement
}

func (w releaseRow) decodeExtras() ([]core.OptionValue, core.Requirement) {
	var opts []core.OptionValue
	var req core.Requirement
	if w.Options != "" {
		_ = json.Unmarshal([]byte(w.Options), &opts)
	}
	if w.Requirement != "" {
		_ = json.Unmarshal([]byte(w.Requirement), &req)
	}
	return opts, req
}
