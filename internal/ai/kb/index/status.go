package index

import (
	"context"
	"fmt"
)

// Status is the state of the index, for progress displays.
type Status struct {
	Objects  int `json:"objects"`  // objects cut into passages
	Pending  int `json:"pending"`  // objects not yet cut
	Passages int `json:"passages"` // passages in the index
	// Model is the embedding model, "" without one; the fields below
	// are about it.
	Model    string `json:"model,omitempty"`
	Embedded int    `json:"embedded"` // passages with a vector of Model
	Skipped  int    `json:"skipped"`  // passages above the provider's TLP limit, left without one
	Dims     int    `json:"dims,omitempty"`
	State    string `json:"state,omitempty"` // pending, running, done or failed
	Error    string `json:"error,omitempty"` // the last run's failure
	Updated  string `json:"updated,omitempty"`
}

// Status reports the index's progress; model may be "" and maxTLP is the
// level above which passages are not embedded.
func (ix *Index) Status(ctx context.Context, model string, maxTLP int) (Status, error) {
	s := Status{Model: model}
	err := ix.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM passage_sources),
		(SELECT count(*) FROM objects o WHERE NOT EXISTS (SELECT 1 FROM passage_sources s WHERE s.object_seq = o.seq)),
		(SELECT count(*) FROM passages)`).Scan(&s.Objects, &s.Pending, &s.Passages)
	if err != nil {
		return s, fmt.Errorf("index: status: %w", err)
	}
	if model == "" {
		return s, nil
	}
	err = ix.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM passage_vectors WHERE model = ?),
		(SELECT coalesce(max(dims), 0) FROM passage_vectors WHERE model = ?),
		(SELECT count(*) FROM passages p JOIN passage_sources s ON s.object_seq = p.object_seq WHERE s.tlp > ?)`,
		model, model, maxTLP).Scan(&s.Embedded, &s.Dims, &s.Skipped)
	if err != nil {
		return s, fmt.Errorf("index: status: %w", err)
	}
	_ = ix.db.QueryRowContext(ctx, `SELECT state, error, updated FROM passage_jobs WHERE model = ?`, model).
		Scan(&s.State, &s.Error, &s.Updated) // no row yet: the job has not started
	if s.State == "" {
		s.State = "pending"
	}
	return s, nil
}
