package index_test

import (
	"context"
	"errors"
	"hash/fnv"
	"strings"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/aitest"
	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// wordEmbedder embeds a text as the counts of its words hashed into 64
// dimensions, so that texts sharing words are near.
type wordEmbedder struct{ calls int }

func (e *wordEmbedder) Embed(_ context.Context, _ string, inputs []string) ([][]float32, error) {
	e.calls++
	out := make([][]float32, len(inputs))
	for i, in := range inputs {
		v := make([]float32, 64)
		for _, w := range strings.Fields(strings.ToLower(in)) {
			h := fnv.New32a()
			h.Write([]byte(strings.Trim(w, ".,:()")))
			v[h.Sum32()%64]++
		}
		out[i] = v
	}
	return out, nil
}

func TestEmbeddingLeavesPassagesAboveTheLimitOutAndFindsTheRestByVector(t *testing.T) {
	db := openDB(t)
	storetest.LoadClearanceFixture(t, db)
	ix := index.New(db.Passages())
	if _, err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	e := &wordEmbedder{}
	st, err := ix.Embed(ctx, e, index.EmbedOptions{Model: "words", MaxTLP: int(stix.TLPGreen), Batch: 2, Owner: "a"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := ix.Status(ctx, "words", int(stix.TLPGreen))
	if err != nil {
		t.Fatal(err)
	}
	if s.State != "done" || s.Embedded != st.Passages || s.Skipped == 0 || s.Embedded+s.Skipped != s.Passages || s.Dims != 64 {
		t.Errorf("status after embedding = %+v (run %+v), want every passage up to green embedded and the rest skipped", s, st)
	}
	head, err := ix.Heads(ctx, []string{string(storetest.FixtureGreen)})
	if err != nil || len(head) != 1 {
		t.Fatalf("head of the green malware = %+v, %v", head, err)
	}
	q, _ := e.Embed(ctx, "words", []string{head[0].Text})
	hits, err := ix.SearchVector(ctx, "words", int(stix.TLPRed), q[0], 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].ID != head[0].ID {
		t.Errorf("vector search for the green malware's own text = %+v, want its head first", hits)
	}
}

func TestAnotherOwnerCannotEmbedWhileTheLeaseHoldsButCanOnceItExpires(t *testing.T) {
	db := openDB(t)
	storetest.LoadClearanceFixture(t, db)
	ix := index.New(db.Passages())
	if _, err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return now }
	failing := failEmbedder{}
	_, err := ix.Embed(ctx, failing, index.EmbedOptions{Model: "m", MaxTLP: 4, Owner: "a", Now: clock, Lease: time.Minute})
	if err == nil {
		t.Fatal("a failing embedder's run succeeded")
	}
	if err := db.Passages().ClaimJob(ctx, index.Job{Model: "m", Owner: "a", Now: now, Lease: time.Minute}); err != nil {
		t.Fatalf("claim by a: %v", err)
	}
	_, err = ix.Embed(ctx, &wordEmbedder{}, index.EmbedOptions{Model: "m", MaxTLP: 4, Owner: "b", Now: clock})
	if !errors.Is(err, index.ErrBusy) {
		t.Errorf("b embedding while a holds the lease: err = %v, want ErrBusy", err)
	}
	later := func() time.Time { return now.Add(2 * time.Minute) }
	if _, err := ix.Embed(ctx, &wordEmbedder{}, index.EmbedOptions{Model: "m", MaxTLP: 4, Owner: "b", Now: later}); err != nil {
		t.Errorf("b embedding after a's lease expired: %v", err)
	}
	s, err := ix.Status(ctx, "m", 4)
	if err != nil {
		t.Fatal(err)
	}
	if s.State != "done" || s.Embedded != s.Passages {
		t.Errorf("status after b's run = %+v, want every passage embedded", s)
	}
}

// failEmbedder fails every request.
type failEmbedder struct{}

func (failEmbedder) Embed(context.Context, string, []string) ([][]float32, error) {
	return nil, errors.New("provider down")
}

// postgresTests are this package's tests that open a store.
var postgresTests = map[string]func(*testing.T){
	"TestSyncCutsEveryObjectOnceAndOnlyChangesAgain":                     TestSyncCutsEveryObjectOnceAndOnlyChangesAgain,
	"TestSyncThroughputOnATTACK":                                         TestSyncThroughputOnATTACK,
	"TestEmbeddingLeavesPassagesAboveTheLimitOutAndFindsTheRestByVector": TestEmbeddingLeavesPassagesAboveTheLimitOutAndFindsTheRestByVector,
	"TestAnotherOwnerCannotEmbedWhileTheLeaseHoldsButCanOnceItExpires":   TestAnotherOwnerCannotEmbedWhileTheLeaseHoldsButCanOnceItExpires,
	"TestTheGraphReadsAgreeWithTheStoreAtEveryClearance":                 TestTheGraphReadsAgreeWithTheStoreAtEveryClearance,
	"TestTextSearchLeavesOutWhatRoseAboveTheClearanceAtTheNextSync":      TestTextSearchLeavesOutWhatRoseAboveTheClearanceAtTheNextSync,
	"TestABoundedTextSearchRanksOnlyTheNewestMatches":                    TestABoundedTextSearchRanksOnlyTheNewestMatches,
}

// TestIndexOnPostgreSQL runs the tests that open a store again over
// PostgreSQL.
func TestIndexOnPostgreSQL(t *testing.T) {
	aitest.CheckEveryTestListed(t, "index_test", postgresTests, "TestIndexOnPostgreSQL")
	aitest.RunOnPostgreSQL(t, postgresTests)
}
