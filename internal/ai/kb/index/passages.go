package index

import (
	"context"
	"fmt"
	"strings"
)

// Passages returns the passages with the given ids (unknown ones left
// out), in no particular order. It does not filter by level: callers pass
// ids that a clearance-filtered search returned.
func (ix *Index) Passages(ctx context.Context, ids []int64) ([]Passage, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return ix.passages(ctx, `id IN (`+marks(len(ids))+`)`, args)
}

// Heads returns the first passage of each object in objectIDs that has
// one, in no particular order.
func (ix *Index) Heads(ctx context.Context, objectIDs []string) ([]Passage, error) {
	args := make([]any, len(objectIDs))
	for i, id := range objectIDs {
		args[i] = id
	}
	return ix.passages(ctx, `ord = 0 AND object_id IN (`+marks(len(objectIDs))+`)`, args)
}

func (ix *Index) passages(ctx context.Context, where string, args []any) ([]Passage, error) {
	if len(args) == 0 {
		return nil, nil
	}
	rows, err := ix.db.QueryContext(ctx, `SELECT id, object_id, ord, text FROM passages WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("index: read passages: %w", err)
	}
	defer rows.Close()
	var out []Passage
	for rows.Next() {
		var p Passage
		if err := rows.Scan(&p.ID, &p.ObjectID, &p.Ord, &p.Text); err != nil {
			return nil, fmt.Errorf("index: read passages: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
