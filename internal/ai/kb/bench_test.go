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
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/postgres"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

// benchPassages is the size of the knowledge base the speed goal is set at.
const benchPassages = 100_000

// benchDims is the dimension of the synthetic vectors of the benchmark,
// that of common embedding models (nomic-embed-text, mistral-embed is 1024).
const benchDims = 768

// benchAmberEvery marks one synthetic report in this many TLP:AMBER, so
// that a TLP:GREEN asker's searches have passages to filter out.
const benchAmberEvery = 4

// benchStore is the ATT&CK and OASIS data plus reports made of the real
// sentences of 149 threat reports (TRAM, Apache-2.0) until the index holds
// benchPassages passages, with a synthetic vector per passage; took and
// objects say how long indexing the reports took (zero for a reused store).
type benchStore struct {
	r       *Retriever
	took    time.Duration
	objects int
}

// fill loads st, which must be empty, unless it already holds a complete
// benchmark store.
func fill(b *testing.B, st PassageStore) benchStore {
	b.Helper()
	ix := index.New(st.Passages())
	if s, err := ix.Status(ctx, "bench", int(stix.TLPRed)); err == nil && s.Embedded >= benchPassages {
		// A store of an earlier version of this benchmark had no AMBER reports.
		amber := stix.ID(fmt.Sprintf("report--%08x-0000-4000-8000-%012x", benchAmberEvery-1, benchAmberEvery-1))
		if o, err := st.Get(ctx, store.LocalAdmin, amber); err != nil || o.EffectiveTLP != stix.TLPAmber {
			b.Fatalf("%s holds a benchmark store of an earlier version: delete it", amber)
		}
		return benchStore{r: NewRetriever(st, ix)}
	}
	r, err := LoadEval(ctx, st, sharedData)
	if err != nil {
		b.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	if err := importReports(st, tramSentences(b)); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	sync, err := r.Index.Sync(ctx)
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	if _, err := r.Index.Embed(ctx, hashEmbedder{}, index.EmbedOptions{Model: "bench", MaxTLP: 4, Batch: 1000}); err != nil {
		b.Fatal(err)
	}
	return benchStore{r: r, took: took, objects: sync.Objects}
}

// sqliteBench opens the SQLite benchmark store, in TIPSTER_KB_BENCH_DIR
// when set (reused by later runs), else in a temporary directory.
func sqliteBench(b *testing.B) benchStore {
	b.Helper()
	if _, err := os.Stat(sharedData); err != nil {
		b.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	dir := b.TempDir()
	if keep := os.Getenv("TIPSTER_KB_BENCH_DIR"); keep != "" {
		dir = keep
	}
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return fill(b, db)
}

// postgresBench opens the PostgreSQL benchmark store in the database of
// TIPSTER_TEST_DATABASE_URL: in schema TIPSTER_KB_BENCH_SCHEMA when set
// (created when missing and kept for later runs), else in a temporary
// schema dropped at the end.
func postgresBench(b *testing.B) benchStore {
	b.Helper()
	if _, err := os.Stat(sharedData); err != nil {
		b.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	base := os.Getenv(pgtest.EnvURL)
	if base == "" {
		b.Skip(pgtest.EnvURL + " is not set, so the PostgreSQL benchmark did not run; " +
			"start a throwaway server with: vars=$(scripts/postgres-test) && export $vars")
	}
	u := ""
	if schema := os.Getenv("TIPSTER_KB_BENCH_SCHEMA"); schema != "" {
		admin, err := postgres.Open(ctx, base)
		if err != nil {
			b.Fatal(err)
		}
		_, err = admin.Pool().Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgxIdent(schema))
		admin.Close()
		if err != nil {
			b.Fatal(err)
		}
		u = pgtest.WithSearchPath(base, schema)
	} else {
		var drop func() error
		var err error
		if u, drop, err = pgtest.TempSchema(ctx, base); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			if err := drop(); err != nil {
				b.Error(err)
			}
		})
	}
	db, err := postgres.Open(ctx, u)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return fill(b, db)
}

// pgxIdent quotes a schema name.
func pgxIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

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

// importReports adds reports drawn (with a fixed seed) from the
// sentences, counting four passages a report until the index would hold
// benchPassages passages; they make about five each, so the index ends
// with 119,059. One in benchAmberEvery is TLP:AMBER.
func importReports(st PassageStore, sentences []string) error {
	rng := rand.New(rand.NewPCG(1, 2))
	n, err := st.Passages().CountPassages(ctx)
	if err != nil {
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
			marking := ""
			if (report+i)%benchAmberEvery == benchAmberEvery-1 {
				marking = fmt.Sprintf(`"object_marking_refs":["%s"],`, stix.TLPAmber.MarkingID())
			}
			objs = append(objs, fmt.Sprintf(`{"type":"report","spec_version":"2.1","id":"report--%08x-0000-4000-8000-%012x",
				"created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","published":"2024-01-01T00:00:00Z",%s
				"name":"Synthetic report %d","description":%s,"object_refs":["identity--%08x-0000-4000-8000-000000000000"]}`,
				report+i, report+i, marking, report+i, desc, report+i))
			n += 4
		}
		bundle := `{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000001","objects":[` + strings.Join(objs, ",") + `]}`
		if _, err := ingest.Bundle(ctx, st, strings.NewReader(bundle), ingest.Options{}); err != nil {
			return err
		}
	}
	return nil
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

// BenchmarkRetrieve100k measures retrieval at benchPassages passages on
// each backend (PostgreSQL when TIPSTER_TEST_DATABASE_URL is set): text
// and graph, then with the vector scan (the question's embedding call
// excluded), as the local administrator and as a TLP:GREEN analyst who may
// not read a quarter of the reports. The tuning and held-out questions are
// asked in turn; it reports p50 and p95 latency and the recall@10 of each
// set at this size (where 115,000 passages of unrelated reports compete
// with the answers). Every question is asked once before the timing
// starts. cpu-ms/question is the CPU time of the whole process (every
// goroutine, and the garbage collector; not PostgreSQL's server) over the
// questions asked, which the load of a shared machine changes far less
// than their wall time.
func BenchmarkRetrieve100k(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchRetrieve(b, sqliteBench(b)) })
	b.Run("postgres", func(b *testing.B) { benchRetrieve(b, postgresBench(b)) })
}

func benchRetrieve(b *testing.B, st benchStore) {
	if st.objects > 0 {
		b.Logf("indexed %d objects in %v (%.0f objects/s)", st.objects, st.took,
			float64(st.objects)/st.took.Seconds())
	}
	tuning, err := Questions()
	if err != nil {
		b.Fatal(err)
	}
	heldOut, err := HeldOutQuestions()
	if err != nil {
		b.Fatal(err)
	}
	qs := append(append([]Question{}, tuning...), heldOut...)
	qv, _ := hashEmbedder{}.Embed(ctx, "", []string{"question"})
	green := store.Viewer{Name: "bench", Clearance: stix.TLPGreen, Role: store.RoleAnalyst}
	for _, mode := range []struct {
		name    string
		vectors bool
		v       store.Viewer
	}{
		{"text+graph", false, store.LocalAdmin},
		{"text+graph/green", false, green},
		{"text+graph+vector", true, store.LocalAdmin},
		{"text+graph+vector/green", true, green},
	} {
		b.Run(mode.name, func(b *testing.B) {
			rr := *st.r
			if mode.vectors {
				rr.Model = "bench"
				rr.Embed = func(context.Context, string) ([]float32, error) { return qv[0], nil }
			}
			// A first pass loads what a running server holds already: the
			// vectors in memory, the lexicon of names, PostgreSQL's
			// prepared statements on each connection of the pool.
			for _, q := range qs {
				if _, err := rr.Retrieve(ctx, mode.v, Query{Question: q.Question}); err != nil {
					b.Fatal(err)
				}
			}
			var took []time.Duration
			recall := map[string][]float64{}
			i := 0
			cpu := processCPU()
			for b.Loop() {
				q := qs[i%len(qs)]
				start := time.Now()
				ret, err := rr.Retrieve(ctx, mode.v, Query{Question: q.Question})
				if err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
				if i < len(qs) && q.Kind != "none" {
					set := "tuning"
					if i >= len(tuning) {
						set = "heldout"
					}
					r, _ := recallOf(q, ret)
					recall[set] = append(recall[set], r)
				}
				i++
			}
			if cpu := processCPU() - cpu; cpu > 0 {
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(i), "cpu-ms/question")
			}
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[(len(took)*95+99)/100-1].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
			if i >= len(qs) {
				for set, rs := range recall {
					sum := 0.0
					for _, r := range rs {
						sum += r
					}
					b.ReportMetric(sum/float64(len(rs)), "recall@10-"+set)
				}
			}
		})
	}
}
