package index

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
)

// Passage is one passage found by a search.
type Passage struct {
	ID       int64
	ObjectID string
	Ord      int
	Text     string
	Score    float64 // higher is better; comparable only within one search
}

// MaxTerms bounds the words of one full-text search.
const MaxTerms = 24

// SearchText returns up to limit passages of objects at or below
// clearance that hold any of terms, best first by bm25 with names and
// aliases weighted four times over text. The clearance filter applies
// before the ranking, so hidden passages take no places. It uses the
// level recorded at the last Sync (reading it from the objects table
// would cost a read of each object's whole row): callers read the
// objects again as their viewer, which drops any that changed level since.
func (ix *Index) SearchText(ctx context.Context, clearance int, terms []string, limit int) ([]Passage, error) {
	match := orExpr(terms)
	if match == "" {
		return nil, nil
	}
	rows, err := ix.db.QueryContext(ctx, `SELECT p.id, p.object_id, p.ord, p.text, bm25(passages_fts, 4.0, 1.0) AS r
		FROM passages_fts f JOIN passages p ON p.id = f.rowid JOIN passage_sources s ON s.object_seq = p.object_seq
		WHERE passages_fts MATCH ? AND s.tlp <= ?
		ORDER BY r LIMIT ?`, match, clearance, limit)
	if err != nil {
		return nil, fmt.Errorf("index: text search: %w", err)
	}
	defer rows.Close()
	var out []Passage
	for rows.Next() {
		var p Passage
		if err := rows.Scan(&p.ID, &p.ObjectID, &p.Ord, &p.Text, &p.Score); err != nil {
			return nil, fmt.Errorf("index: text search: %w", err)
		}
		p.Score = -p.Score // bm25 is negative, lower better
		out = append(out, p)
	}
	return out, rows.Err()
}

// orExpr is a full-text expression matching any of terms, each quoted so
// that no word can be read as an operator.
func orExpr(terms []string) string {
	var q []string
	for _, t := range terms {
		t = strings.ReplaceAll(t, `"`, "")
		if t != "" && len(q) < MaxTerms {
			q = append(q, `"`+t+`"`)
		}
	}
	return strings.Join(q, " OR ")
}

// Weights are inverse document frequencies of words over all passages,
// whatever their level: they say how rare a word is, never what holds it.
type Weights struct {
	N   int                // passages
	IDF map[string]float64 // word -> ln(1 + (N - df + 0.5) / (df + 0.5)); a word no passage holds has the largest
	DF  map[string]int
}

// idfCache keeps document frequencies for one generation of the index.
type idfCache struct {
	mu  sync.Mutex
	gen int64
	n   int
	df  map[string]int
}

// TermWeights returns the weights of terms.
func (ix *Index) TermWeights(ctx context.Context, terms []string) (Weights, error) {
	gen, err := ix.generation(ctx)
	if err != nil {
		return Weights{}, err
	}
	dfCache := &ix.df
	dfCache.mu.Lock()
	defer dfCache.mu.Unlock()
	if dfCache.gen != gen || dfCache.df == nil {
		dfCache.gen, dfCache.df = gen, map[string]int{}
		if err := ix.db.QueryRowContext(ctx, `SELECT count(*) FROM passages`).Scan(&dfCache.n); err != nil {
			return Weights{}, fmt.Errorf("index: count passages: %w", err)
		}
	}
	w := Weights{N: dfCache.n, IDF: map[string]float64{}, DF: map[string]int{}}
	for _, t := range terms {
		df, ok := dfCache.df[t]
		if !ok {
			if err := ix.db.QueryRowContext(ctx, `SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?`,
				orExpr([]string{t})).Scan(&df); err != nil {
				return Weights{}, fmt.Errorf("index: document frequency: %w", err)
			}
			dfCache.df[t] = df
		}
		w.DF[t] = df
		w.IDF[t] = math.Log(1 + (float64(w.N)-float64(df)+0.5)/(float64(df)+0.5))
	}
	return w, nil
}
