package index

import (
	"context"
	"math"
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

// TextQuery is one full-text search.
type TextQuery struct {
	Clearance int      // passages of objects above this level are left out before ranking
	Terms     []string // passages holding any of them, in any word form, match
	Limit     int      // passages returned
	// MaxRanked, when above 0, bounds the matching passages that are
	// ranked: ranking costs time linear in the matches (about 1.5 µs each
	// for SQLite's bm25), so beyond MaxRanked matches only the MaxRanked
	// newest (those with the highest passage ids) are ranked.
	MaxRanked int
}

// SearchText returns up to q.Limit passages of objects at or below
// q.Clearance that hold any of q.Terms, best first by the store's ranking
// (bm25 on SQLite, ts_rank on PostgreSQL) with names and aliases weighted
// four times over text. The clearance filter applies before the ranking,
// so hidden passages take no places. It uses the level recorded at the
// last Sync (reading it from the objects table would cost a read of each
// object's whole row): callers read the objects again as their viewer,
// which drops any that changed level since.
func (ix *Index) SearchText(ctx context.Context, q TextQuery) ([]Passage, error) {
	if len(QuoteTerms(q.Terms)) == 0 || q.Limit <= 0 {
		return nil, nil
	}
	return ix.s.SearchText(ctx, q)
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
	gen, err := ix.s.Generation(ctx)
	if err != nil {
		return Weights{}, err
	}
	dfCache := &ix.df
	dfCache.mu.Lock()
	defer dfCache.mu.Unlock()
	if dfCache.gen != gen || dfCache.df == nil {
		dfCache.gen, dfCache.df = gen, map[string]int{}
		n, err := ix.s.CountPassages(ctx)
		if err != nil {
			return Weights{}, err
		}
		dfCache.n = n
	}
	w := Weights{N: dfCache.n, IDF: map[string]float64{}, DF: map[string]int{}}
	for _, t := range terms {
		df, ok := dfCache.df[t]
		if !ok {
			var err error
			if df, err = ix.s.CountMatching(ctx, t); err != nil {
				return Weights{}, err
			}
			dfCache.df[t] = df
		}
		w.DF[t] = df
		w.IDF[t] = math.Log(1 + (float64(w.N)-float64(df)+0.5)/(float64(df)+0.5))
	}
	return w, nil
}
