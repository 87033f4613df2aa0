package kb

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"sync"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Retrieval sizes: passages each of the text and vector searches returns,
// and the objects a retrieval keeps by default.
const (
	searchDepth  = 50
	DefaultLimit = 10
)

// Retriever finds what the knowledge base holds about a question, by text,
// by vector similarity and through the graph, and fuses the three.
type Retriever struct {
	Store store.Store
	Index *index.Index
	// Lexicon returns the names and aliases v may read; nil finds only
	// ATT&CK ids in questions.
	Lexicon func(ctx context.Context, v store.Viewer) (*extract.Lexicon, error)
	// Embed, when set, embeds a question with Model; without it retrieval
	// runs on text and graph alone.
	Embed func(ctx context.Context, text string) ([]float32, error)
	Model string
}

// Query is one question to retrieve for.
type Query struct {
	Question string
	// Context holds the earlier questions of a conversation and
	// ContextIDs the ids their answers cited: the entities they name
	// are followed too, with less weight.
	Context    []string
	ContextIDs []stix.ID
	Limit      int // objects kept, default DefaultLimit
}

// Hit is one retrieved object with the passages that support it.
type Hit struct {
	Object   *store.Stored
	Score    float64
	Via      []string // "text", "vector", "graph"
	Passages []index.Passage
	Links    []Link
}

// Retrieval is what a question found.
type Retrieval struct {
	Hits  []Hit
	Named []stix.ID // entities the question names
	// Relevant is false when the knowledge base does not know: nothing
	// is named and no passage holds most of the question's rare words,
	// or the question names something no passage mentions.
	Relevant bool
	Coverage float64  // share of the question's word weight the best passage holds
	Unknown  []string // words written as names that no passage holds
}

// Retrieve runs the three retrievals for v and fuses them. Every object
// returned is visible to v: the index filters by level before ranking,
// the graph walk and the fusion read the objects table at v's clearance
// (only ids, types and relationship ends), and the hits kept are read in
// full through the store as v.
func (r *Retriever) Retrieve(ctx context.Context, v store.Viewer, q Query) (*Retrieval, error) {
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	terms, want := contentTerms(q.Question), intent(q.Question)
	named, err := r.named(ctx, v, q.Question)
	if err != nil {
		return nil, err
	}
	seeds := make([]seed, 0, len(named))
	for _, id := range named {
		seeds = append(seeds, seed{id, 1})
	}
	ctxSeeds, err := r.contextSeeds(ctx, v, q)
	if err != nil {
		return nil, err
	}
	seeds = append(seeds, ctxSeeds...)
	if len(seeds) > maxSeeds {
		seeds = seeds[:maxSeeds]
	}
	weights, err := r.Index.TermWeights(ctx, terms)
	if err != nil {
		return nil, err
	}
	var text, vec []index.Passage
	var nodes []*graphNode
	err = parallel(
		func() (err error) {
			st, bounded := searchTerms(terms, weights)
			tq := index.TextQuery{Clearance: int(v.Clearance), Terms: st, Limit: searchDepth}
			if bounded {
				tq.MaxRanked = maxRanked
			}
			text, err = r.Index.SearchText(ctx, tq)
			return err
		},
		func() (err error) { vec, err = r.vectorSearch(ctx, v, q.Question); return err },
		func() (err error) { nodes, err = walk(ctx, r.Index, int(v.Clearance), seeds, want); return err },
	)
	if err != nil {
		return nil, err
	}
	f := &fusion{st: r.Store, ix: r.Index, v: v, want: want, named: named}
	hits, err := f.fuse(ctx, text, vec, nodes, q.Limit)
	if err != nil {
		return nil, err
	}
	ret := &Retrieval{Hits: hits, Named: named}
	r.judge(ret, q.Question, terms, weights, text)
	return ret, nil
}

// parallel runs the functions at once and returns the first error: the
// three retrievals read different tables and wait mostly on SQLite.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// commonShare is the share of passages above which a word is too common
// to search for: it would rank little and cost a scan of most of the index.
const commonShare = 0.05

// maxRanked bounds the passages one full-text search ranks, as ranking
// costs time linear in the matches (about 1.5 µs a match with SQLite's
// bm25): 10,000 keeps the search of the slowest question near 15 ms.
const maxRanked = 10_000

// searchTerms drops the words held by more than commonShare of the
// passages, keeping the two rarest when all of them are that common. Of
// those it keeps the rarer ones while the passages holding them number at
// most maxRanked in all (the rarest always), dropping the commonest words,
// which weigh least in the ranking. bounded is true when the rarest word
// alone is held by more than maxRanked passages: the search must then
// rank only the newest of its matches.
func searchTerms(terms []string, w index.Weights) (out []string, bounded bool) {
	for _, t := range terms {
		if float64(w.DF[t]) <= commonShare*float64(w.N) {
			out = append(out, t)
		}
	}
	if len(out) == 0 && len(terms) > 0 {
		out = append([]string(nil), terms...)
		sort.SliceStable(out, func(i, j int) bool { return w.DF[out[i]] < w.DF[out[j]] })
		out = out[:min(2, len(out))]
	}
	sort.SliceStable(out, func(i, j int) bool { return w.DF[out[i]] < w.DF[out[j]] })
	held := 0
	for i, t := range out {
		if i > 0 && held+w.DF[t] > maxRanked {
			return out[:i], held > maxRanked
		}
		held += w.DF[t]
	}
	return out, held > maxRanked
}

// attackIDPattern matches ATT&CK ids written in a question.
var attackIDPattern = regexp.MustCompile(`\b(T\d{4}(\.\d{3})?|TA\d{4}|[SGCM]\d{4}|CVE-\d{4}-\d{4,})\b`)

// named returns the visible entities a question names: lexicon names and
// aliases, and ATT&CK or CVE ids.
func (r *Retriever) named(ctx context.Context, v store.Viewer, question string) ([]stix.ID, error) {
	var lex *extract.Lexicon
	if r.Lexicon != nil {
		var err error
		if lex, err = r.Lexicon(ctx, v); err != nil {
			return nil, fmt.Errorf("kb: lexicon: %w", err)
		}
	}
	var out []stix.ID
	seen := map[stix.ID]bool{}
	keep := func(id stix.ID) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, e := range lex.Entities(question) {
		keep(stix.ID(e.ID))
	}
	for _, ext := range attackIDPattern.FindAllString(question, 8) {
		page, err := r.Store.Search(ctx, v, store.Query{ExternalID: ext, Limit: 3})
		if err != nil {
			return nil, fmt.Errorf("kb: resolve %s: %w", ext, err)
		}
		for _, o := range page.Objects {
			keep(o.ID)
		}
	}
	return out, nil
}

// contextSeeds are the entities of a conversation's earlier turns.
func (r *Retriever) contextSeeds(ctx context.Context, v store.Viewer, q Query) ([]seed, error) {
	var out []seed
	for i := len(q.Context) - 1; i >= 0 && len(out) < maxSeeds; i-- {
		ids, err := r.named(ctx, v, q.Context[i])
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out = append(out, seed{id, 0.3})
		}
	}
	for _, id := range q.ContextIDs {
		out = append(out, seed{id, 0.3})
	}
	return out, nil
}

// vectorSearch finds the passages nearest the question, none without an
// embedding model.
func (r *Retriever) vectorSearch(
	ctx context.Context,
	v store.Viewer,
	question string,
) ([]index.Passage, error) {
	if r.Embed == nil || r.Model == "" {
		return nil, nil
	}
	qv, err := r.Embed(ctx, question)
	if err != nil {
		return nil, fmt.Errorf("kb: embed question: %w", err)
	}
	ps, err := r.Index.SearchVector(ctx, r.Model, int(v.Clearance), qv, searchDepth)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	texts, err := r.Index.Passages(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]index.Passage{}
	for _, t := range texts {
		byID[t.ID] = t
	}
	for i := range ps {
		t := byID[ps[i].ID]
		ps[i].Ord, ps[i].Text = t.Ord, t.Text
	}
	return ps, nil
}
