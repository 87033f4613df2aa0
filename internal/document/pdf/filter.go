package pdf

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// decode applies a stream's filters, refusing output beyond maxStream bytes
// so that a small compressed bomb cannot exhaust memory.
func (f *file) decode(s *Stream) ([]byte, error) {
	filters := f.resolve(s.Dict["Filter"])
	params := f.resolve(s.Dict["DecodeParms"])
	var names []Name
	var parms []any
	switch t := filters.(type) {
	case Name:
		names, parms = []Name{t}, []any{params}
	case Array:
		for i, v := range t {
			n, _ := f.resolve(v).(Name)
			names = append(names, n)
			if pa, ok := params.(Array); ok && i < len(pa) {
				parms = append(parms, f.resolve(pa[i]))
			} else {
				parms = append(parms, nil)
			}
		}
	}
	data := s.Raw
	for i, name := range names {
		var err error
		data, err = f.applyFilter(name, data, f.dict(parms[i]))
		if err != nil {
			return data, fmt.Errorf("filter %s: %w", name, err)
		}
	}
	return data, nil
}

var errUnsupportedFilter = errors.New("unsupported filter")

func (f *file) applyFilter(name Name, data []byte, parms Dict) ([]byte, error) {
	switch name {
	case "FlateDecode", "Fl":
		out, err := f.inflate(data)
		if err != nil {
			return nil, err
		}
		return f.predict(out, parms)
	case "ASCIIHexDecode", "AHx":
		l := &lexer{b: append(append([]byte{'<'}, data...), '>')}
		return []byte(l.hexString()), nil
	case "ASCII85Decode", "A85":
		return ascii85(data), nil
	case "RunLengthDecode", "RL":
		return runLength(data), nil
	}
	return nil, fmt.Errorf("%w %s", errUnsupportedFilter, name)
}

// inflate reads zlib data, falling back to raw deflate, and keeps whatever
// decoded before a truncation since damaged streams are common.
func (f *file) inflate(data []byte) ([]byte, error) {
	var r io.Reader
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err == nil {
		r = zr
	} else {
		r = flate.NewReader(bytes.NewReader(data))
	}
	out, err := io.ReadAll(io.LimitReader(r, f.maxStream+1))
	if int64(len(out)) > f.maxStream {
		return nil, fmt.Errorf("decoded stream exceeds %d bytes", f.maxStream)
	}
	if err != nil && len(out) == 0 {
		return nil, err
	}
	return out, nil
}

// predict undoes PNG predictors (Predictor >= 10), used by xref streams.
func (f *file) predict(data []byte, parms Dict) ([]byte, error) {
	pred, _ := f.num(parms["Predictor"])
	if pred < 10 {
		return data, nil
	}
	cols, ok := f.num(parms["Columns"])
	if !ok {
		cols = 1
	}
	colors, ok := f.num(parms["Colors"])
	if !ok {
		colors = 1
	}
	bpc, ok := f.num(parms["BitsPerComponent"])
	if !ok {
		bpc = 8
	}
	bpp := max(1, int(colors*bpc+7)/8)
	rowLen := int(cols*colors*bpc+7) / 8
	if rowLen <= 0 || rowLen > 1<<20 {
		return nil, fmt.Errorf("bad predictor row length %d", rowLen)
	}
	var out []byte
	prev := make([]byte, rowLen)
	for p := 0; p+rowLen+1 <= len(data); p += rowLen + 1 {
		typ, row := data[p], append([]byte(nil), data[p+1:p+1+rowLen]...)
		unfilter(typ, row, prev, bpp)
		out = append(out, row...)
		prev = row
	}
	return out, nil
}

func unfilter(typ byte, row, prev []byte, bpp int) {
	for i := range row {
		var left, upLeft byte
		if i >= bpp {
			left, upLeft = row[i-bpp], prev[i-bpp]
		}
		up := prev[i]
		switch typ {
		case 1:
			row[i] += left
		case 2:
			row[i] += up
		case 3:
			row[i] += byte((int(left) + int(up)) / 2)
		case 4:
			row[i] += paeth(left, up, upLeft)
		}
	}
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func ascii85(data []byte) []byte {
	var out []byte
	var tuple uint32
	n := 0
	for _, c := range data {
		switch {
		case c == '~':
			return flush85(out, tuple, n)
		case c == 'z' && n == 0:
			out = append(out, 0, 0, 0, 0)
		case c >= '!' && c <= 'u':
			tuple = tuple*85 + uint32(c-'!')
			n++
			if n == 5 {
				out = append(out, byte(tuple>>24), byte(tuple>>16), byte(tuple>>8), byte(tuple))
				tuple, n = 0, 0
			}
		}
	}
	return flush85(out, tuple, n)
}

func flush85(out []byte, tuple uint32, n int) []byte {
	if n < 2 {
		return out
	}
	for i := n; i < 5; i++ {
		tuple = tuple*85 + 84
	}
	b := []byte{byte(tuple >> 24), byte(tuple >> 16), byte(tuple >> 8), byte(tuple)}
	return append(out, b[:n-1]...)
}

func runLength(data []byte) []byte {
	var out []byte
	for i := 0; i < len(data); {
		n := int(data[i])
		i++
		switch {
		case n < 128:
			end := min(i+n+1, len(data))
			out = append(out, data[i:end]...)
			i = end
		case n > 128 && i < len(data):
			out = append(out, bytes.Repeat(data[i:i+1], 257-n)...)
			i++
		default:
			return out
		}
	}
	return out
}
