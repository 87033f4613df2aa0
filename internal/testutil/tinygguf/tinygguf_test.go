package tinygguf

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func write(t *testing.T, opt Options) *parsedFile {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, opt); err != nil {
		t.Fatalf("Write: %v", err)
	}
	f, err := parse(buf.Bytes())
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return f
}

func TestWrittenFileParsesWithAlignedNonOverlappingTensors(t *testing.T) {
	f := write(t, Options{})
	if f.version != 3 {
		t.Errorf("version = %d, want 3", f.version)
	}
	if f.dataStart%alignment != 0 {
		t.Errorf("data section starts at %d, not a multiple of %d", f.dataStart, alignment)
	}
	var end uint64
	for _, ti := range f.tensors {
		if ti.offset%alignment != 0 {
			t.Errorf("%s: offset %d is not aligned", ti.name, ti.offset)
		}
		if ti.offset < end {
			t.Errorf("%s: offset %d overlaps the previous tensor ending at %d", ti.name, ti.offset, end)
		}
		end = ti.offset + ti.size()
	}
	if got := uint64(len(f.raw)); got != f.dataStart+end {
		t.Errorf("file is %d bytes, want data start %d + tensors %d", got, f.dataStart, end)
	}
}

func TestMetadataDescribesTheRequestedShape(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
		want map[string]any
	}{
		{"zero options give the documented defaults", Options{}, map[string]any{
			"general.architecture": "llama", "general.name": "tipster-tiny",
			"llama.embedding_length": uint32(64), "llama.block_count": uint32(2),
			"llama.feed_forward_length": uint32(128), "llama.attention.head_count": uint32(4),
			"llama.attention.head_count_kv": uint32(4), "llama.context_length": uint32(4096),
			"llama.rope.dimension_count": uint32(16),
		}},
		{"a wider grouped-query model keeps its head sizes", Options{
			Name: "wide", EmbeddingLength: 96, BlockCount: 3, FeedForwardLength: 160,
			HeadCount: 6, HeadCountKV: 2, ContextLength: 512,
		}, map[string]any{
			"general.name": "wide", "llama.embedding_length": uint32(96),
			"llama.block_count": uint32(3), "llama.feed_forward_length": uint32(160),
			"llama.attention.head_count": uint32(6), "llama.attention.head_count_kv": uint32(2),
			"llama.context_length": uint32(512), "llama.rope.dimension_count": uint32(16),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := write(t, tt.opt)
			got := map[string]any{}
			for k := range tt.want {
				got[k] = f.kv[k]
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("metadata (-want +got):\n%s", diff)
			}
			checkTensorShapes(t, f, tt.opt)
		})
	}
}

// checkTensorShapes compares every tensor's dims with the shape in the
// file's own metadata, as llama.cpp does when it loads the model.
func checkTensorShapes(t *testing.T, f *parsedFile, opt Options) {
	t.Helper()
	e := uint64(f.kv["llama.embedding_length"].(uint32))
	ff := uint64(f.kv["llama.feed_forward_length"].(uint32))
	kvw := e / uint64(f.kv["llama.attention.head_count"].(uint32)) *
		uint64(f.kv["llama.attention.head_count_kv"].(uint32))
	n := uint64(len(f.kv["tokenizer.ggml.tokens"].([]string)))
	want := map[string][]uint64{
		"token_embd.weight": {e, n}, "output_norm.weight": {e}, "output.weight": {e, n},
	}
	for i := range int(f.kv["llama.block_count"].(uint32)) {
		for name, dims := range map[string][]uint64{
			"attn_norm": {e}, "attn_q": {e, e}, "attn_k": {e, kvw}, "attn_v": {e, kvw},
			"attn_output": {e, e}, "ffn_norm": {e}, "ffn_gate": {e, ff}, "ffn_up": {e, ff},
			"ffn_down": {ff, e},
		} {
			want[fmt.Sprintf("blk.%d.%s.weight", i, name)] = dims
		}
	}
	got := map[string][]uint64{}
	for _, ti := range f.tensors {
		got[ti.name] = ti.dims
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tensor dims for %+v (-want +got):\n%s", opt, diff)
	}
}

func TestTheSameSeedGivesTheSameBytesAndAnotherSeedDoesNot(t *testing.T) {
	var a, b, c bytes.Buffer
	for _, w := range []struct {
		buf  *bytes.Buffer
		seed uint64
	}{{&a, 42}, {&b, 42}, {&c, 43}} {
		if err := Write(w.buf, Options{Seed: w.seed}); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes with seed 42 differ")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("seeds 42 and 43 wrote the same bytes")
	}
}

func TestImpossibleShapesAreRejected(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
	}{
		{"heads that do not divide the width", Options{EmbeddingLength: 64, HeadCount: 5}},
		{"heads of odd width, which rope cannot rotate", Options{EmbeddingLength: 60, HeadCount: 4}},
		{"query heads not a multiple of key/value heads", Options{HeadCount: 4, HeadCountKV: 3}},
		{"a negative layer count", Options{BlockCount: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Write(&bytes.Buffer{}, tt.opt); err == nil {
				t.Errorf("Write(%+v) succeeded, want an error", tt.opt)
			}
		})
	}
}

func TestVocabularyHasSpecialTokensBytesAndAMergePathToEveryWord(t *testing.T) {
	f := write(t, Options{})
	tokens := f.kv["tokenizer.ggml.tokens"].([]string)
	types := f.kv["tokenizer.ggml.token_type"].([]int32)
	scores := f.kv["tokenizer.ggml.scores"].([]float32)
	if len(types) != len(tokens) || len(scores) != len(tokens) {
		t.Fatalf("%d tokens, %d types, %d scores", len(tokens), len(types), len(scores))
	}
	if got := f.kv["llama.vocab_size"]; got != uint32(len(tokens)) {
		t.Errorf("llama.vocab_size = %v, want %d", got, len(tokens))
	}
	ids := map[string]int{}
	for i, tok := range tokens {
		if _, dup := ids[tok]; dup {
			t.Errorf("token %q appears twice", tok)
		}
		ids[tok] = i
	}
	for tok, id := range map[string]uint32{"<unk>": unkID, "<s>": bosID, "</s>": eosID} {
		if ids[tok] != int(id) {
			t.Errorf("%s has id %d, want %d", tok, ids[tok], id)
		}
	}
	for b := range 256 {
		tok := fmt.Sprintf("<0x%02X>", b)
		if i, ok := ids[tok]; !ok || types[i] != tokenByte {
			t.Errorf("byte token %s missing or not of byte type", tok)
		}
	}
	for _, w := range words {
		piece := spaceMark + w
		for i := len(spaceMark) + 1; i <= len(piece); i++ {
			if _, ok := ids[piece[:i]]; !ok {
				t.Errorf("%q has no token for its prefix %q", w, piece[:i])
			}
		}
	}
}

func TestOutputLayerCanOnlyPickWholeWordsAndPunctuation(t *testing.T) {
	f := write(t, Options{})
	tokens := f.kv["tokenizer.ggml.tokens"].([]string)
	out, err := f.floats("output.weight")
	if err != nil {
		t.Fatal(err)
	}
	width := len(out) / len(tokens)
	emits := map[string]bool{".": true, ",": true}
	for _, w := range words {
		emits[spaceMark+w] = true
	}
	for i, tok := range tokens {
		row := out[i*width : (i+1)*width]
		zero := !slices.ContainsFunc(row, func(x float32) bool { return x != 0 })
		if emits[tok] == zero {
			t.Errorf("token %q: output row all zero = %v, want %v", tok, zero, !emits[tok])
		}
	}
}
