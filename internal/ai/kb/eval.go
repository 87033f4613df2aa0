package kb

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

// The question sets: the tuning set, on which the constants of retrieval
// were chosen, and the held-out set, written after them and never tuned on.
var (
	//go:embed testdata/questions.json
	questionsJSON []byte
	//go:embed testdata/questions_heldout.json
	heldOutJSON []byte
)

// Question is one question of the evaluation set with the ids that answer
// it; Kind is alias, graph, graph2, text or none (no answer in the data).
type Question struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Question string    `json:"question"`
	Answers  []stix.ID `json:"answers"`
}

// Questions returns the tuning set.
func Questions() ([]Question, error) { return questionSet(questionsJSON) }

// HeldOutQuestions returns the held-out set.
func HeldOutQuestions() ([]Question, error) { return questionSet(heldOutJSON) }

func questionSet(raw []byte) ([]Question, error) {
	var set struct {
		Questions []Question `json:"questions"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		return nil, fmt.Errorf("kb: question set: %w", err)
	}
	return set.Questions, nil
}

// Score is the outcome of one question.
type Score struct {
	Question
	Recall   float64 // recall@10 over min(answers, 10); 1 or 0 for kind none (nothing claimed relevant)
	Relevant bool
	Took     time.Duration
	Missing  []stix.ID
}

// Report is an evaluation's figures.
type Report struct {
	Scores    []Score
	Recall    float64            // mean recall@10 of the questions with answers
	ByKind    map[string]float64 // mean recall@10 per kind
	NoneRight int                // no-answer questions judged not relevant, of NoneTotal
	NoneTotal int
	FalseNone int           // questions with answers judged not relevant
	P50, P95  time.Duration // retrieval latency
	// ViewerTests maps a clearance to the retrieved ids a viewer of that
	// clearance may read and the ids retrieved for it.
	ViewerTests map[stix.TLP][2]int
	Vectors     bool // retrieval used embeddings
}

// Evaluate loads the shared data under dataDir into a new SQLite store,
// runs the tuning and held-out question sets without embeddings and
// prints, for each, recall@10, the no-answer judgement, the clearance
// check of every retrieved id and retrieval latency.
func Evaluate(w io.Writer, dataDir string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tipster-kb-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	return EvaluateOn(ctx, w, db, dataDir)
}

// EvaluateOn is Evaluate over st, an empty store of either backend.
func EvaluateOn(ctx context.Context, w io.Writer, st PassageStore, dataDir string) error {
	start := time.Now()
	r, err := LoadEval(ctx, st, dataDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(
		w,
		"loaded, imported and indexed %d bundles in %v\n",
		len(EvalBundles),
		time.Since(start).Round(time.Millisecond),
	)
	return RunSets(ctx, w, r)
}

// RunSets evaluates the tuning set and then the held-out set with r,
// printing the figures of each.
func RunSets(ctx context.Context, w io.Writer, r *Retriever) error {
	for _, set := range []struct {
		name string
		load func() ([]Question, error)
	}{
		{"tuning set (the constants of retrieval were chosen on it)", Questions},
		{"held-out set (never tuned on)", HeldOutQuestions},
	} {
		qs, err := set.load()
		if err != nil {
			return err
		}
		rep, err := Run(ctx, r, qs)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n== %s\n", set.name)
		rep.Print(w)
	}
	return nil
}

// Run evaluates the questions qs with r.
func Run(ctx context.Context, r *Retriever, qs []Question) (*Report, error) {
	if len(qs) == 0 {
		return nil, errors.New("kb: no questions to evaluate")
	}
	rep := &Report{ByKind: map[string]float64{}, ViewerTests: map[stix.TLP][2]int{}, Vectors: r.Embed != nil}
	counts := map[string]int{}
	var took []time.Duration
	answered := 0
	for _, q := range qs {
		s, err := score(ctx, r, q)
		if err != nil {
			return nil, err
		}
		rep.Scores = append(rep.Scores, s)
		took = append(took, s.Took)
		if q.Kind == "none" {
			rep.NoneTotal++
			if !s.Relevant {
				rep.NoneRight++
			}
			continue
		}
		if !s.Relevant {
			rep.FalseNone++
		}
		answered++
		rep.Recall += s.Recall
		rep.ByKind[q.Kind] += s.Recall
		counts[q.Kind]++
	}
	rep.Recall /= float64(max(answered, 1))
	for k := range rep.ByKind {
		rep.ByKind[k] /= float64(counts[k])
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	rep.P50, rep.P95 = took[len(took)/2], took[(len(took)*95+99)/100-1]
	for _, level := range []stix.TLP{stix.TLPClear, stix.TLPGreen} {
		vis, all, err := clearanceCheck(ctx, r, qs, level)
		if err != nil {
			return nil, err
		}
		rep.ViewerTests[level] = [2]int{vis, all}
	}
	return rep, nil
}

// score runs one question as the local administrator.
func score(ctx context.Context, r *Retriever, q Question) (Score, error) {
	start := time.Now()
	ret, err := r.Retrieve(ctx, store.LocalAdmin, Query{Question: q.Question, Limit: 10})
	if err != nil {
		return Score{}, fmt.Errorf("kb: %s: %w", q.ID, err)
	}
	s := Score{Question: q, Relevant: ret.Relevant, Took: time.Since(start)}
	s.Recall, s.Missing = recallOf(q, ret)
	return s, nil
}

// recallOf is the recall@10 of what ret retrieved for q, with the answers
// it missed: for a question without answers, 1 when ret was judged not
// relevant, else 0.
func recallOf(q Question, ret *Retrieval) (float64, []stix.ID) {
	if q.Kind == "none" {
		if !ret.Relevant {
			return 1, nil
		}
		return 0, nil
	}
	got := map[stix.ID]bool{}
	for _, h := range ret.Hits {
		got[h.Object.ID] = true
	}
	found := 0
	var missing []stix.ID
	for _, id := range q.Answers {
		if got[id] {
			found++
		} else {
			missing = append(missing, id)
		}
	}
	return min(1, float64(found)/float64(min(len(q.Answers), 10))), missing
}

// clearanceCheck retrieves every question as a viewer of the given
// clearance and counts how many retrieved ids that viewer may read.
func clearanceCheck(ctx context.Context, r *Retriever, qs []Question, level stix.TLP) (int, int, error) {
	v := store.Viewer{Name: "eval", Clearance: level, Role: store.RoleAnalyst}
	vis, all := 0, 0
	for _, q := range qs {
		ret, err := r.Retrieve(ctx, v, Query{Question: q.Question, Limit: 10})
		if err != nil {
			return 0, 0, err
		}
		var ids []stix.ID
		seen := map[stix.ID]bool{}
		for _, h := range ret.Hits {
			for _, id := range append([]stix.ID{h.Object.ID}, linkIDs(h.Links)...) {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		got, err := r.Store.GetMany(ctx, v, ids)
		if err != nil {
			return 0, 0, err
		}
		vis, all = vis+len(got), all+len(ids)
	}
	return vis, all, nil
}

// Print writes the figures and the questions that missed.
func (rep *Report) Print(w io.Writer) {
	fmt.Fprintf(
		w,
		"questions: %d (%d with answers, %d without)\n",
		len(rep.Scores),
		len(rep.Scores)-rep.NoneTotal,
		rep.NoneTotal,
	)
	how := "text + graph, no embeddings"
	if rep.Vectors {
		how = "text + graph + vectors"
	}
	fmt.Fprintf(w, "recall@10 (%s): %.3f\n", how, rep.Recall)
	kinds := make([]string, 0, len(rep.ByKind))
	for k := range rep.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "  %-7s %.3f\n", k, rep.ByKind[k])
	}
	fmt.Fprintf(w, "no-answer questions judged unknown: %d of %d; answerable questions judged unknown: %d\n",
		rep.NoneRight, rep.NoneTotal, rep.FalseNone)
	for _, level := range []stix.TLP{stix.TLPClear, stix.TLPGreen} {
		c := rep.ViewerTests[level]
		fmt.Fprintf(w, "retrieved ids readable by a %s viewer: %d of %d\n", level, c[0], c[1])
	}
	fmt.Fprintf(
		w,
		"retrieval latency over the set: p50 %v, p95 %v\n",
		rep.P50.Round(10*time.Microsecond),
		rep.P95.Round(10*time.Microsecond),
	)
	for _, s := range rep.Scores {
		if s.Recall < 1 {
			fmt.Fprintf(
				w,
				"  miss %s (%s, recall %.2f, relevant %v): %s\n",
				s.ID,
				s.Kind,
				s.Recall,
				s.Relevant,
				s.Question.Question,
			)
		}
	}
}

func linkIDs(ls []Link) []stix.ID {
	out := make([]stix.ID, len(ls))
	for i, l := range ls {
		out[i] = l.ID
	}
	return out
}
