package index

import (
	"container/heap"
	"context"
	"encoding/binary"
	"math"
	"runtime"
	"sync"
)

// vectorSet is every embedding of one model, as of one generation of the
// index, quantized for a fast scan: each component of a (normalised)
// vector becomes an int8 in -127..127 times the vector's scale, and
// vectors are stored in blocks of eight, component-major, so that one
// 64-bit multiplication scores a component of four vectors at once (see
// scanRange). The int8 form takes a quarter of the memory of float32s and
// scans two to three times faster in pure Go; it ranks the best 50 of
// 100,000 random vectors with 97% overlap with exact cosine, and better on
// real embeddings, whose best matches stand further apart.
type vectorSet struct {
	gen     int64
	dims    int
	stride  int      // words per block: dims rounded up to even
	ids     []int64  // passage ids
	objects []string // their objects' ids
	levels  []int8   // their objects' TLP levels; -1 when revoked
	scale   []float32
	sum     []int32 // sum of each vector's int8 components
	// blocks holds stride words per block of eight vectors: byte k of
	// word j of block b is 128 + component j of vector 8b+k.
	blocks []uint64
	buf    []float32 // add's
}

// add quantizes and appends one normalised vector, little-endian float32s.
func (vs *vectorSet) add(data []byte) {
	i := len(vs.ids) - 1 // its metadata was appended already
	if i%8 == 0 {
		vs.blocks = append(vs.blocks, make([]uint64, vs.stride)...)
	}
	if len(vs.buf) < vs.dims {
		vs.buf = make([]float32, vs.dims)
	}
	x := vs.buf[:vs.dims]
	var m float32
	for j := range x {
		x[j] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*j:]))
		m = max(m, abs32(x[j]))
	}
	step := m / 127
	if step == 0 {
		step = 1
	}
	block, shift := vs.blocks[i/8*vs.stride:][:len(x)], 8*uint(i%8)
	var sum int32
	for j, f := range x {
		q := round(f / step)
		sum += q
		block[j] |= uint64(q+128) << shift
	}
	vs.scale = append(vs.scale, step)
	vs.sum = append(vs.sum, sum)
}

// round rounds x, within -127.5..127.5, half away from zero.
func round(x float32) int32 {
	if x < 0 {
		return max(-127, int32(x-0.5))
	}
	return min(127, int32(x+0.5))
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
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
			vs.dims, vs.stride = x.Dims, x.Dims+x.Dims%2
		}
		if x.Dims != vs.dims || len(x.Data) != 4*x.Dims {
			return // left by a model that changed its dimension; the next embedding run replaces it
		}
		level := int8(x.Level)
		if x.Revoked {
			level = -1
		}
		vs.ids, vs.objects, vs.levels = append(vs.ids, x.PassageID), append(vs.objects, x.ObjectID),
			append(vs.levels, level)
		vs.add(x.Data)
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
	best := vs.scan(vs.query(normalized(q)), int8(clearance), limit)
	out := make([]Passage, len(best))
	for i, s := range best {
		out[i] = Passage{ID: vs.ids[s.i], ObjectID: vs.objects[s.i], Score: float64(s.score)}
	}
	return out, nil
}

// queryWords is a question's vector quantized for scanRange.
type queryWords struct {
	words []uint64 // 64 + component j as an int in -63..63, as a word; stride long
	sum   int32    // sum of the ints
	step  float32  // the length of one step
}

// query quantizes a normalised question vector to seven bits, so that the
// product of a vector's byte (at most 255) and a question word (at most
// 127) fits fifteen bits and two of them a 16-bit lane. Rounding the
// question moves it slightly, the same way for every vector.
func (vs *vectorSet) query(q []float32) queryWords {
	var m float32
	for _, x := range q {
		m = max(m, abs32(x))
	}
	qw := queryWords{words: make([]uint64, vs.stride), step: m / 63}
	if qw.step == 0 {
		qw.step = 1
	}
	for j, x := range q {
		v := max(-63, min(63, round(x/qw.step)))
		qw.sum += v
		qw.words[j] = uint64(v + 64)
	}
	return qw
}

// scan finds the limit best vectors visible at clearance, in parallel over
// the available processors.
func (vs *vectorSet) scan(q queryWords, clearance int8, limit int) []scored {
	blocks := (len(vs.ids) + 7) / 8
	workers := runtime.GOMAXPROCS(0)
	if blocks*vs.stride < 1<<17 {
		workers = 1
	}
	parts := make([]topK, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := blocks*w/workers, blocks*(w+1)/workers
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

// Masks of the even bytes of a word in 16-bit lanes, and of the even
// 16-bit lanes in 32-bit lanes.
const (
	evenBytes = 0x00FF00FF00FF00FF
	evenPairs = 0x0000FFFF0000FFFF
)

// scanRange scores the vectors of blocks lo to hi visible at clearance.
// For each pair of components it multiplies the even and the odd bytes
// of a block's words (four 16-bit lanes each) by the question's words and
// adds the two products, then widens the lanes into 32-bit sums: a sum of
// (128 + v_j)(64 + q_j) over the components, from which the dot product
// of the ints is recovered with the sums of v and q.
func (vs *vectorSet) scanRange(q queryWords, clearance int8, limit, lo, hi int) topK {
	var top topK
	n := len(vs.ids)
	bias := 128*int64(q.sum) + 128*64*int64(vs.dims)
	for b := lo; b < hi; b++ {
		first := 8 * b
		visible := false
		for i := first; i < min(first+8, n); i++ {
			if lv := vs.levels[i]; lv >= 0 && lv <= clearance {
				visible = true
				break
			}
		}
		if !visible {
			continue
		}
		a04, a26, a15, a37 := blockSums(vs.blocks[b*vs.stride:(b+1)*vs.stride], q.words)
		sums := [8]uint64{a04, a15, a26, a37, a04 >> 32, a15 >> 32, a26 >> 32, a37 >> 32}
		for k, acc := range sums {
			i := first + k
			if i >= n {
				break
			}
			if lv := vs.levels[i]; lv < 0 || lv > clearance {
				continue
			}
			dot := int64(uint32(acc)) - 64*int64(vs.sum[i]) - bias
			score := float32(dot) * vs.scale[i] * q.step
			if len(top) == limit && score <= top[0].score {
				continue // the common case, without a call
			}
			top.offer(scored{i, score}, limit)
		}
	}
	return top
}

// blockSums returns the 32-bit sums of the products of a block's bytes 0
// and 4, 2 and 6, 1 and 5, and 3 and 7 with the question's words.
func blockSums(words, qw []uint64) (a04, a26, a15, a37 uint64) {
	qw = qw[:len(words)]
	for j := 0; j+1 < len(words); j += 2 {
		w0, w1, q0, q1 := words[j], words[j+1], qw[j], qw[j+1]
		even := (w0&evenBytes)*q0 + (w1&evenBytes)*q1
		odd := ((w0>>8)&evenBytes)*q0 + ((w1>>8)&evenBytes)*q1
		a04 += even & evenPairs
		a26 += (even >> 16) & evenPairs
		a15 += odd & evenPairs
		a37 += (odd >> 16) & evenPairs
	}
	return
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
