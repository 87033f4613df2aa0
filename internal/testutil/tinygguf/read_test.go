package tinygguf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// parsedFile is a GGUF file decoded independently of the writer, so the
// tests check the bytes against the format rather than against the encoder.
type parsedFile struct {
	version   uint32
	kv        map[string]any
	keys      []string // in file order
	tensors   []tensorInfo
	dataStart uint64
	raw       []byte
}

// reader decodes little-endian GGUF fields from a byte slice.
type reader struct {
	b   []byte
	off uint64
	err error
}

func (r *reader) take(n uint64) []byte {
	if r.err != nil || n > uint64(len(r.b))-r.off {
		r.err = errors.Join(r.err, fmt.Errorf("truncated at offset %d", r.off))
		return make([]byte, n%64+8)
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) u32() uint32   { return binary.LittleEndian.Uint32(r.take(4)) }
func (r *reader) u64() uint64   { return binary.LittleEndian.Uint64(r.take(8)) }
func (r *reader) str() string   { return string(r.take(r.u64())) }
func (r *reader) f32() float32  { return math.Float32frombits(r.u32()) }
func (r *reader) boolean() bool { return r.take(1)[0] != 0 }
func (r *reader) i32() int32    { return int32(r.u32()) }
func (r *reader) failed() bool  { return r.err != nil }
func (r *reader) skipPadding()  { r.take(padding(r.off)) }

// value decodes one metadata value of type t.
func (r *reader) value(t uint32) (any, error) {
	switch t {
	case typeUint32:
		return r.u32(), nil
	case typeInt32:
		return r.i32(), nil
	case typeFloat32:
		return r.f32(), nil
	case typeBool:
		return r.boolean(), nil
	case typeString:
		return r.str(), nil
	case typeArray:
		return r.array()
	}
	return nil, fmt.Errorf("unknown value type %d", t)
}

// array decodes a typed array into []string, []float32 or []int32.
func (r *reader) array() (any, error) {
	elem, n := r.u32(), r.u64()
	if n > uint64(len(r.b)) {
		return nil, fmt.Errorf("array of %d elements is longer than the file", n)
	}
	switch elem {
	case typeString:
		out := make([]string, n)
		for i := range out {
			out[i] = r.str()
		}
		return out, nil
	case typeFloat32:
		out := make([]float32, n)
		for i := range out {
			out[i] = r.f32()
		}
		return out, nil
	case typeInt32:
		out := make([]int32, n)
		for i := range out {
			out[i] = r.i32()
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported array element type %d", elem)
}

// parse decodes a whole GGUF file.
func parse(b []byte) (*parsedFile, error) {
	r := &reader{b: b}
	if string(r.take(4)) != magic {
		return nil, errors.New("bad magic")
	}
	f := &parsedFile{version: r.u32(), kv: map[string]any{}, raw: b}
	nt, nkv := r.u64(), r.u64()
	for range nkv {
		k := r.str()
		v, err := r.value(r.u32())
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		f.kv[k] = v
		f.keys = append(f.keys, k)
	}
	for range nt {
		t := tensorInfo{name: r.str()}
		t.dims = make([]uint64, r.u32())
		for i := range t.dims {
			t.dims[i] = r.u64()
		}
		if typ := r.u32(); typ != ggmlTypeF32 {
			return nil, fmt.Errorf("tensor %s has type %d, want F32", t.name, typ)
		}
		t.offset = r.u64()
		f.tensors = append(f.tensors, t)
	}
	r.skipPadding()
	f.dataStart = r.off
	if r.failed() {
		return nil, r.err
	}
	return f, nil
}

// floats returns the named tensor's values.
func (f *parsedFile) floats(name string) ([]float32, error) {
	for _, t := range f.tensors {
		if t.name != name {
			continue
		}
		r := &reader{b: f.raw, off: f.dataStart + t.offset}
		out := make([]float32, t.size()/4)
		for i := range out {
			out[i] = r.f32()
		}
		return out, r.err
	}
	return nil, fmt.Errorf("no tensor %s", name)
}
