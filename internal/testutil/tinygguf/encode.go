package tinygguf

import (
	"encoding/binary"
	"fmt"
	"math"
)

// GGUF container constants (version 3 of the format).
const (
	magic     = "GGUF"
	version   = 3
	alignment = 32 // bytes; written as general.alignment
)

// Metadata value types as numbered by the GGUF format.
const (
	typeUint32  uint32 = 4
	typeInt32   uint32 = 5
	typeFloat32 uint32 = 6
	typeBool    uint32 = 7
	typeString  uint32 = 8
	typeArray   uint32 = 9
)

// ggmlTypeF32 is the ggml tensor type of plain little-endian float32 data.
const ggmlTypeF32 uint32 = 0

// kv is one metadata entry; val is a uint32, int32, float32, bool, string,
// []string, []float32 or []int32.
type kv struct {
	key string
	val any
}

// tensorInfo describes one tensor in the header; dims are innermost first.
type tensorInfo struct {
	name   string
	dims   []uint64
	offset uint64 // from the start of the data section
}

// size returns the tensor's data length in bytes.
func (t tensorInfo) size() uint64 {
	n := uint64(4)
	for _, d := range t.dims {
		n *= d
	}
	return n
}

// appendHeader encodes the file header, metadata and tensor infos.
func appendHeader(b []byte, kvs []kv, tensors []tensorInfo) ([]byte, error) {
	b = append(b, magic...)
	b = binary.LittleEndian.AppendUint32(b, version)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(tensors)))
	b = binary.LittleEndian.AppendUint64(b, uint64(len(kvs)))
	for _, e := range kvs {
		b = appendString(b, e.key)
		var err error
		if b, err = appendValue(b, e.val); err != nil {
			return nil, fmt.Errorf("metadata %s: %w", e.key, err)
		}
	}
	for _, t := range tensors {
		b = appendString(b, t.name)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(t.dims)))
		for _, d := range t.dims {
			b = binary.LittleEndian.AppendUint64(b, d)
		}
		b = binary.LittleEndian.AppendUint32(b, ggmlTypeF32)
		b = binary.LittleEndian.AppendUint64(b, t.offset)
	}
	return b, nil
}

// appendValue encodes a metadata value preceded by its type code.
func appendValue(b []byte, v any) ([]byte, error) {
	le := binary.LittleEndian
	switch v := v.(type) {
	case uint32:
		return le.AppendUint32(le.AppendUint32(b, typeUint32), v), nil
	case int32:
		return le.AppendUint32(le.AppendUint32(b, typeInt32), uint32(v)), nil
	case float32:
		return le.AppendUint32(le.AppendUint32(b, typeFloat32), math.Float32bits(v)), nil
	case bool:
		var x byte
		if v {
			x = 1
		}
		return append(le.AppendUint32(b, typeBool), x), nil
	case string:
		return appendString(le.AppendUint32(b, typeString), v), nil
	case []string:
		b = appendArrayHead(b, typeString, len(v))
		for _, s := range v {
			b = appendString(b, s)
		}
		return b, nil
	case []float32:
		b = appendArrayHead(b, typeFloat32, len(v))
		for _, f := range v {
			b = le.AppendUint32(b, math.Float32bits(f))
		}
		return b, nil
	case []int32:
		b = appendArrayHead(b, typeInt32, len(v))
		for _, i := range v {
			b = le.AppendUint32(b, uint32(i))
		}
		return b, nil
	}
	return nil, fmt.Errorf("unsupported metadata type %T", v)
}

func appendArrayHead(b []byte, elem uint32, n int) []byte {
	b = binary.LittleEndian.AppendUint32(b, typeArray)
	b = binary.LittleEndian.AppendUint32(b, elem)
	return binary.LittleEndian.AppendUint64(b, uint64(n))
}

func appendString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}

// padding returns how many zero bytes bring n up to a multiple of alignment.
func padding(n uint64) uint64 {
	return (alignment - n%alignment) % alignment
}
