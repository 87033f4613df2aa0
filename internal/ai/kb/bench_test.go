package kb

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

// benchPassages is the size of the knowledge base the speed goal is set at.
const benchPassages = 100_000

// benchDims is the dimension of the synthetic vectors of the benchmark,
// that of common embedding models (nomic-embed-text, mistral-embed is 1024).
const benchDims = 768

// bigStore is the ATT&CK and OASIS data plus reports made of the real
// sentences of 149 threat reports (TRAM, Apache-2.0) until the index holds
// benchPassages passages, with a synthetic vector per passage.
func bigStore(b *testing.B) (*Retriever, time.Duration, int) {
	b.Helper()
	dir := b.TempDir()
	if keep := os.Getenv("TIPSTER_KB_BENCH_DIR"); keep != "" {
		dir = keep // reuse a store built by an earlier run
		if db, err := sqlite.Open(ctx, dir); err == nil {
			var n int
			_ = db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM passage_vectors`).Scan(&n)
			if n >= benchPassages {
				b.Cleanup(func() { db.Close() })
				return NewRetriever(db, index.New(db.Passages())), 0, 0
			}
			db.Close()
		}
	}
	db, r, err := LoadEvalStore(ctx, sharedData, dir)
	if err != nil {
		b.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	b.Cleanup(func() { db.Close() })
	sentences := tramSentences(b)
	if err := importReports(db, sentences); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	st, err := r.Index.Sync(ctx)
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	if err := addVectors(db, r.Index); err != nil {
		b.Fatal(err)
	}
	return r, took, st.Objects
}

func tramSentences(b *testing.B) []string {
	raw, err := os.ReadFile(filepath.Join(sharedData, "tram", "single_label.json"))
	if err != nil {
		b.Skipf("real data not available (%v)", err)
	}
	var rows []struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &rows); err != nil {
		b.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Text
	}
	return out
}

// importReports adds reports of about four passages each, their text
// drawn (with a fixed seed) from the sentences, until the index would
// hold benchPassages passages.
func importReports(db *sqlite.DB, sentences []string) error {
	rng := rand.New(rand.NewPCG(1, 2))
	var n int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM passages`).Scan(&n); err != nil {
		return err
	}
	const perBundle = 2000
	for report := 0; n < benchPassages; report += perBundle {
		var objs []string
		for i := 0; i < perBundle && n < benchPassages; i++ {
			var text strings.Builder
			for text.Len() < 3300 {
				text.WriteString(sentences[rng.IntN(len(sentences))] + " ")
			}
			desc, _ := json.Marshal(text.String())
			objs = append(objs, fmt.Sprintf(`{"type":"report","spec_version":"2.1","id":"report--%08x-0000-4000-8000-%012x",
				"created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","published":"2024-01-01T00:00:00Z",
				"name":"Synthetic report %d","description":%s,"object_refs":["identity--%08x-0000-4000-8000-000000000000"]}`,
				report+i, report+i, report+i, desc, report+i))
			n += 4
		}
		bundle := `{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000001","objects":[` + strings.Join(objs, ",") + `]}`
		if _, err := ingest.Bundle(ctx, db, strings.NewReader(bundle), ingest.Options{}); err != nil {
			return err
		}
	}
	return nil
}

// addVectors gives every passage a deterministic pseudo-random vector of
// model "bench", as an embedding run would store it.
func addVectors(db *sqlite.DB, ix *index.Index) error {
	_, err := ix.Embed(ctx, hashEmbedder{}, index.EmbedOptions{Model: "bench", MaxTLP: 4, Batch: 1000})
	return err
}

// hashEmbedder embeds text as a pseudo-random vector seeded by its hash.
type hashEmbedder struct{}

func (hashEmbedder) Embed(_ context.Context, _ string, inputs []string) ([][]float32, error) {
	out := make([][]float32, len(inputs))
	for i, s := range inputs {
		h := fnv.New64a()
		h.Write([]byte(s))
		rng := rand.New(rand.NewPCG(h.Sum64(), 7))
		v := make([]float32, benchDims)
		for j := range v {
			v[j] = float32(rng.NormFloat64())
		}
		out[i] = v
	}
	return out, nil
}

// BenchmarkRetrieve100k measures retrieval of the question set at
// benchPassages passages: text and graph, then with the vector scan (the
// question's embedding call excluded), reporting p50 and p95.
func BenchmarkRetrieve100k(b *testing.B) {
	r, took, objects := bigStore(b)
	b.Logf("indexed %d objects in %v (%.0f objects/s)", objects, took, float64(objects)/took.Seconds())
	qs, err := Questions()
	if err != nil {
		b.Fatal(err)
	}
	qv, _ := hashEmbedder{}.Embed(ctx, "", []string{"question"})
	for _, mode := range []string{"text+graph", "text+graph+vector"} {
		b.Run(mode, func(b *testing.B) {
			rr := *r
			if mode == "text+graph+vector" {
				rr.Model = "bench"
				rr.Embed = func(context.Context, string) ([]float32, error) { return qv[0], nil }
			}
			var took []time.Duration
			i := 0
			for b.Loop() {
				q := qs[i%len(qs)]
				i++
				start := time.Now()
				if _, err := rr.Retrieve(ctx, store.LocalAdmin, Query{Question: q.Question}); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[(len(took)*95+99)/100-1].Microseconds())/1000, "p95-ms")
		})
	}
}
