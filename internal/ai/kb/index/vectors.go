package index

import (
	"container/heap"
	"context"
	"encoding/binary"
	"math"
	"runtime"
	"sync"
)

// vectorSet is every embedding of one model, normalised, in one slice, as
// of one generation of the index.
type vectorSet struct {
	gen     int64
	dims    int
	ids     []int64  // passage ids
	objects []string // their objects' ids
	levels  []int8   // their objects' TLP levels; -1 when revoked
	data    []float32
}

// vectorsOf returns the vectors of model, loading them again when the
// index changed since they were loaded.
func (ix *Index) vectorsOf(ctx context.Context, model string) (*vectorSet, error) {
	gen, err := ix.s.Generation(ctx)
	if err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if vs := ix.vectors[model]; vs != nil && vs.gen == gen {
		return vs, nil
	}
	vs, err := ix.loadVectors(ctx, model, gen)
	if err != nil {
		return nil, err
	}
	ix.vectors[model] = vs
	return vs, nil
}

func (ix *Index) loadVectors(ctx context.Context, model string, gen int64) (*vectorSet, error) {
	vs := &vectorSet{gen: gen}
	err := ix.s.LoadVectors(ctx, model, func(x Vector) {
		if vs.dims == 0 {
			vs.dims = x.Dims
		}
		if x.Dims != vs.dims || len(x.Data) != 4*x.Dims {
			return // left by a model that changed its dimension; the next embedding run replaces it
		}
		level := x.Level
		if x.Revoked {
			level = -1
		}
		vs.ids, vs.objects, vs.levels = append(
			vs.ids,
			x.PassageID,
		), append(
			vs.objects,
			x.ObjectID,
		), append(
			vs.levels,
			int8(level),
		)
		vs.data = append(vs.data, decode(x.Data)...)
	})
	if err != nil {
		return nil, err
	}
	return vs, nil
}

// SearchVector returns up to limit passages of objects at or below
// clearance, most similar (cosine) to q first, among those embedded with
// model. Only Passage.ID, ObjectID and Score are set.
func (ix *Index) SearchVector(
	ctx context.Context,
	model string,
	clearance int,
	q []float32,
	limit int,
) ([]Passage, error) {
	vs, err := ix.vectorsOf(ctx, model)
	if err != nil {
		return nil, err
	}
	if vs.dims == 0 || len(q) != vs.dims || limit <= 0 {
		return nil, nil
	}
	q = normalized(q)
	best := vs.scan(q, int8(clearance), limit)
	out := make([]Passage, len(best))
	for i, s := range best {
		out[i] = Passage{ID: vs.ids[s.i], ObjectID: vs.objects[s.i], Score: float64(s.score)}
	}
	return out, nil
}

// scan finds the limit best vectors visible at clearance, in parallel over
// the available processors.
func (vs *vectorSet) scan(q []float32, clearance int8, limit int) []scored {
	n := len(vs.ids)
	workers := runtime.GOMAXPROCS(0)
	if n*vs.dims < 1<<20 {
		workers = 1
	}
	parts := make([]topK, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w] = vs.scanRange(q, clearance, limit, lo, hi)
		}()
	}
	wg.Wait()
	all := parts[0]
	for _, p := range parts[1:] {
		for _, s := range p {
			all.offer(s, limit)
		}
	}
	return all.sorted()
}

func (vs *vectorSet) scanRange(q []float32, clearance int8, limit, lo, hi int) topK {
	var top topK
	d := vs.dims
	for i := lo; i < hi; i++ {
		if lv := vs.levels[i]; lv < 0 || lv > clearance {
			continue
		}
		top.offer(scored{i, dot(q, vs.data[i*d:i*d+d])}, limit)
	}
	return top
}

type scored struct {
	i     int
	score float32
}

// topK is a min-heap of the best scores seen.
type topK []scored

func (h topK) Len() int           { return len(h) }
func (h topK) Less(i, j int) bool { return h[i].score < h[j].score }
func (h topK) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *topK) Push(x any)        { *h = append(*h, x.(scored)) }
func (h *topK) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (h *topK) offer(s scored, limit int) {
	if len(*h) < limit {
		heap.Push(h, s)
	} else if s.score > (*h)[0].score {
		(*h)[0] = s
		heap.Fix(h, 0)
	}
}

// sorted empties the heap, best first.
func (h *topK) sorted() []scored {
	out := make([]scored, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(scored)
	}
	return out
}

// EncodeVector writes v, normalised to length 1, as little-endian
// float32s: the form in which stores keep vectors.
func EncodeVector(v []float32) []byte {
	return encode(normalized(v))
}

// encode writes a vector as little-endian float32s.
func encode(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// decode reads a normalised vector written by encode.
func decode(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

// normalized returns v scaled to length 1 (v itself when it is zero).
func normalized(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return v
	}
	inv := float32(1 / math.Sqrt(sum))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * inv
	}
	return out
}

// dot is the dot product of two vectors of the same length, unrolled by
// eight with separate sums so that the loop is not one long dependency chain.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		x, y := a[i:i+8:i+8], b[i:i+8:i+8]
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
		s4 += x[4] * y[4]
		s5 += x[5] * y[5]
		s6 += x[6] * y[6]
		s7 += x[7] * y[7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3) + (s4 + s5) + (s6 + s7)
}
