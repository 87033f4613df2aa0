// Package tinygguf writes a tiny llama-architecture model with random
// weights as a GGUF file. Ollama (v0.6.5, through llama.cpp) loads it and
// answers with CTI word salad in milliseconds on any CPU, which is enough to
// test a real Ollama server's chat, completion, show and embed endpoints.
// Its tokenizer covers any UTF-8 text through byte-fallback tokens.
//
// The output layer never picks the end-of-sequence token, so every answer
// runs to the num_predict limit (done_reason "length"); done_reason "stop"
// comes only from a stop word that the sampled answer happens to contain
// (fix the request's seed option to make that repeatable). Ollama shows
// the model's quantization level as "unknown", because it reads
// general.file_type 0 (all float32) as unset.
package tinygguf

import (
	"errors"
	"fmt"
	"io"
)

// Options shapes the generated model. A zero field takes its default.
type Options struct {
	// Seed picks the weights; the same Options always give the same bytes.
	// Default 0, which is a valid seed like any other.
	Seed uint64
	// Name is written as general.name. Default "tipster-tiny".
	Name string
	// EmbeddingLength is the hidden width. Default 64.
	EmbeddingLength int
	// BlockCount is the number of transformer layers. Default 2.
	BlockCount int
	// FeedForwardLength is the width of each layer's MLP. Default 128.
	FeedForwardLength int
	// HeadCount is the number of attention heads. Default 4.
	HeadCount int
	// HeadCountKV is the number of key/value heads. Default HeadCount.
	HeadCountKV int
	// ContextLength is the trained context, in tokens, that Ollama reports
	// in /api/show. Default 4096.
	ContextLength int
}

// withDefaults fills zero fields and checks that the shape is a valid llama.
func (o Options) withDefaults() (Options, error) {
	def := func(p *int, d int) {
		if *p == 0 {
			*p = d
		}
	}
	if o.Name == "" {
		o.Name = "tipster-tiny"
	}
	def(&o.EmbeddingLength, 64)
	def(&o.BlockCount, 2)
	def(&o.FeedForwardLength, 128)
	def(&o.HeadCount, 4)
	def(&o.HeadCountKV, o.HeadCount)
	def(&o.ContextLength, 4096)
	switch {
	case o.EmbeddingLength < 0 || o.BlockCount < 0 || o.FeedForwardLength < 0 ||
		o.HeadCount < 0 || o.HeadCountKV < 0 || o.ContextLength < 0:
		return o, errors.New("tinygguf: negative size")
	case o.EmbeddingLength%o.HeadCount != 0 || (o.EmbeddingLength/o.HeadCount)%2 != 0:
		return o, errors.New("tinygguf: embedding length must split into even-width heads")
	case o.HeadCount%o.HeadCountKV != 0:
		return o, errors.New("tinygguf: head count must be a multiple of the key/value head count")
	}
	return o, nil
}

// Write writes the model described by opt to w as a GGUF version 3 file.
func Write(w io.Writer, opt Options) error {
	o, err := opt.withDefaults()
	if err != nil {
		return err
	}
	v := newVocab()
	specs := newTensorSpecs(o, v)
	infos := make([]tensorInfo, len(specs))
	for i, s := range specs {
		infos[i] = s.tensorInfo
	}
	head, err := appendHeader(nil, metadata(o, v), infos)
	if err != nil {
		return fmt.Errorf("tinygguf: %w", err)
	}
	head = append(head, make([]byte, padding(uint64(len(head))))...)
	if _, err := w.Write(head); err != nil {
		return fmt.Errorf("tinygguf: write header: %w", err)
	}
	var at uint64
	for _, s := range specs {
		pad := make([]byte, s.offset-at)
		data := s.data(o.Seed)
		if _, err := w.Write(append(pad, data...)); err != nil {
			return fmt.Errorf("tinygguf: write %s: %w", s.name, err)
		}
		at = s.offset + uint64(len(data))
	}
	return nil
}

// metadata lists the key/values llama.cpp and Ollama read for a llama model.
func metadata(o Options, v *vocab) []kv {
	return []kv{
		{"general.architecture", "llama"},
		{"general.name", o.Name},
		{"general.file_type", uint32(0)}, // all tensors float32
		{"general.alignment", uint32(alignment)},
		{"llama.context_length", uint32(o.ContextLength)},
		{"llama.embedding_length", uint32(o.EmbeddingLength)},
		{"llama.block_count", uint32(o.BlockCount)},
		{"llama.feed_forward_length", uint32(o.FeedForwardLength)},
		{"llama.attention.head_count", uint32(o.HeadCount)},
		{"llama.attention.head_count_kv", uint32(o.HeadCountKV)},
		{"llama.attention.layer_norm_rms_epsilon", float32(1e-5)},
		{"llama.rope.dimension_count", uint32(o.EmbeddingLength / o.HeadCount)},
		{"llama.rope.freq_base", float32(10000)},
		{"llama.vocab_size", uint32(len(v.tokens))},
		{"tokenizer.ggml.model", "llama"},
		{"tokenizer.ggml.tokens", v.tokens},
		{"tokenizer.ggml.scores", v.scores},
		{"tokenizer.ggml.token_type", v.types},
		{"tokenizer.ggml.unknown_token_id", uint32(unkID)},
		{"tokenizer.ggml.bos_token_id", uint32(bosID)},
		{"tokenizer.ggml.eos_token_id", uint32(eosID)},
		{"tokenizer.ggml.add_bos_token", true},
		{"tokenizer.ggml.add_eos_token", false},
		{"tokenizer.ggml.add_space_prefix", true},
	}
}
