package tinygguf

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
)

// rng is SplitMix64: tiny, fast and fully specified here, so the same seed
// gives the same bytes on every Go release and platform.
type rng struct{ state uint64 }

func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// uniform returns a float32 drawn evenly from [-scale, scale).
func (r *rng) uniform(scale float32) float32 {
	return scale * (float32(r.next()>>40)/(1<<24)*2 - 1)
}

// tensorSpec says how to fill one tensor.
type tensorSpec struct {
	tensorInfo
	scale float32 // bound of the uniform draw; 0 means every value is 1 (a norm weight)
	keep  []bool  // if set, rows (runs of dims[0] values) whose entry is false are zero
}

// newTensorSpecs lists the tensors of a llama model shaped by o, in file
// order, with offsets laid out in the data section.
func newTensorSpecs(o Options, v *vocab) []tensorSpec {
	e, f := uint64(o.EmbeddingLength), uint64(o.FeedForwardLength)
	n := uint64(len(v.tokens))
	kvw := e / uint64(o.HeadCount) * uint64(o.HeadCountKV)
	in, down := invSqrt(e), invSqrt(f)
	specs := []tensorSpec{
		spec("token_embd.weight", 1, nil, e, n),
		spec("output_norm.weight", 0, nil, e),
		spec("output.weight", 4*in, v.emit, e, n),
	}
	for i := range o.BlockCount {
		blk := func(s string) string { return fmt.Sprintf("blk.%d.%s.weight", i, s) }
		specs = append(specs,
			spec(blk("attn_norm"), 0, nil, e),
			spec(blk("attn_q"), in, nil, e, e),
			spec(blk("attn_k"), in, nil, e, kvw),
			spec(blk("attn_v"), in, nil, e, kvw),
			spec(blk("attn_output"), in, nil, e, e),
			spec(blk("ffn_norm"), 0, nil, e),
			spec(blk("ffn_gate"), in, nil, e, f),
			spec(blk("ffn_up"), in, nil, e, f),
			spec(blk("ffn_down"), down, nil, f, e),
		)
	}
	var off uint64
	for i := range specs {
		specs[i].offset = off
		off += specs[i].size()
		off += padding(off)
	}
	return specs
}

func spec(name string, scale float32, keep []bool, dims ...uint64) tensorSpec {
	return tensorSpec{tensorInfo: tensorInfo{name: name, dims: dims}, scale: scale, keep: keep}
}

func invSqrt(n uint64) float32 { return float32(1 / math.Sqrt(float64(n))) }

// data returns the tensor's little-endian float32 bytes. Each tensor draws
// from its own stream, keyed by seed and name, so adding a layer leaves the
// other tensors' values unchanged.
func (s tensorSpec) data(seed uint64) []byte {
	h := fnv.New64a()
	h.Write([]byte(s.name))
	r := &rng{state: seed ^ h.Sum64()}
	out := make([]byte, 0, s.size())
	row := int(s.dims[0])
	for i := range int(s.size() / 4) {
		x := float32(1)
		if s.scale != 0 {
			x = r.uniform(s.scale)
		}
		if s.keep != nil && !s.keep[i/row] {
			x = 0
		}
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(x))
	}
	return out
}
