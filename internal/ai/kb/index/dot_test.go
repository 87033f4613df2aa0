package index

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestSplitKeepsPiecesUnderTheLimitAndLosesNoWords(t *testing.T) {
	text := strings.Repeat("APT1 has used spearphishing with malicious attachments. ", 60) + "\n\nLast paragraph."
	pieces := Split(text, 300)
	var words int
	for _, p := range pieces {
		if len(p) > 300 {
			t.Errorf("piece of %d bytes, want at most 300", len(p))
		}
		words += len(strings.Fields(p))
	}
	if want := len(strings.Fields(text)); words != want {
		t.Errorf("pieces hold %d words, want %d", words, want)
	}
}

// randomVectorSet quantizes n random vectors of dims components, all
// visible at level 0, and returns them as stored (normalised float32s).
func randomVectorSet(rng *rand.Rand, n, dims int) (*vectorSet, [][]float32) {
	vs := &vectorSet{dims: dims, stride: dims + dims%2}
	var stored [][]float32
	for i := range n {
		v := make([]float32, dims)
		for j := range v {
			v[j] = float32(rng.NormFloat64())
		}
		data := EncodeVector(v)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*j:]))
		}
		stored = append(stored, v)
		vs.ids, vs.objects, vs.levels = append(vs.ids, int64(i)), append(vs.objects, ""), append(vs.levels, 0)
		vs.add(data)
	}
	return vs, stored
}

// quantize rounds v to ints in steps of max|v| / top.
func quantize(v []float32, top float32) ([]int64, float32) {
	var m float32
	for _, x := range v {
		m = max(m, float32(math.Abs(float64(x))))
	}
	step := m / top
	out := make([]int64, len(v))
	for j, x := range v {
		out[j] = int64(math.Round(float64(x / step)))
	}
	return out, step
}

func TestTheBlockScanScoresEveryVectorAsASimpleIntegerLoopDoes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, dims := range []int{1, 2, 3, 8, 63, 768, 769} {
		for _, n := range []int{1, 7, 8, 9, 17} {
			vs, raw := randomVectorSet(rng, n, dims)
			q := normalized(raw[rng.IntN(n)][:dims:dims])
			qw := vs.query(q)
			top := vs.scanRange(qw, 0, n, 0, (n+7)/8)
			got := top.sorted()
			if len(got) != n {
				t.Fatalf("dims %d, n %d: scored %d vectors, want all", dims, n, len(got))
			}
			qi, qstep := quantize(q, 63)
			for _, s := range got {
				vi, vstep := quantize(raw[s.i], 127)
				var dot int64
				for j := range vi {
					dot += vi[j] * qi[j]
				}
				if want := float32(dot) * vstep * qstep; s.score != want {
					t.Errorf("dims %d, n %d: vector %d scored %v, want %v", dims, n, s.i, s.score, want)
				}
			}
		}
	}
}

func TestQuantizedScoresStayWithinAHundredthOfTheCosine(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	vs, raw := randomVectorSet(rng, 300, 768)
	for trial := range 5 {
		q := make([]float32, 768)
		for j := range q {
			q[j] = raw[trial][j] + float32(rng.NormFloat64())/30
		}
		q = normalized(q)
		for _, s := range vs.scan(vs.query(q), 0, 300) {
			var cos float32
			for j := range q {
				cos += q[j] * raw[s.i][j]
			}
			if d := math.Abs(float64(s.score - cos)); d > 0.01 {
				t.Errorf("vector %d scored %v, cosine %v", s.i, s.score, cos)
			}
		}
	}
}

func TestTheScanLeavesOutVectorsAboveTheClearanceAndRevokedOnes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	vs, raw := randomVectorSet(rng, 40, 16)
	for i := range vs.levels {
		vs.levels[i] = int8(i % 5) // 0..4, and below: some revoked
	}
	vs.levels[0] = -1
	best := vs.scan(vs.query(raw[0]), 1, 40)
	if len(best) != 15 { // the 16 of levels 0 and 1, less vector 0, revoked
		t.Errorf("found %d vectors at clearance 1, want 15", len(best))
	}
	for _, s := range best {
		if lv := vs.levels[s.i]; lv < 0 || lv > 1 {
			t.Errorf("vector %d of level %d found at clearance 1", s.i, lv)
		}
	}
	vs.levels[5] = -1 // level 0 before: now revoked
	if best := vs.scan(vs.query(raw[5]), 4, 1); len(best) != 1 || best[0].i == 5 {
		t.Errorf("best vector for a revoked one's own vector = %+v, want another", best)
	}
	if best := vs.scan(vs.query(raw[10]), 4, 1); len(best) != 1 || best[0].i != 10 {
		t.Errorf("best vector for vector 10's own vector = %+v, want vector 10", best)
	}
}

// BenchmarkScan100k scans 100,000 vectors of 768 dimensions, the size of
// the retrieval benchmark of package kb.
func BenchmarkScan100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	vs, raw := randomVectorSet(rng, 100_000, 768)
	q := vs.query(raw[0])
	b.Run("parallel", func(b *testing.B) {
		for b.Loop() {
			vs.scan(q, 4, 50)
		}
	})
	b.Run("one-core", func(b *testing.B) {
		for b.Loop() {
			vs.scanRange(q, 4, 50, 0, (len(vs.ids)+7)/8)
		}
	})
}
