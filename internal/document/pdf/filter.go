package pdf

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"slices"
)

// decode applies a stream's filters. Every filter's output, and the raw
// bytes of a stream without filters, is charged to the document's budget
// (f.lim), so that a small compressed bomb, or one stream listed many
// times, cannot exhaust memory or time; going past it fails the decode
// with the budget's error and every decode after it too.
func (f *file) decode(s *Stream) ([]byte, error) {
	if f.lim.err != nil {
		return nil, f.lim.err
	}
	names, parms := f.filters(s)
	data := s.Raw
	if len(names) == 0 && int64(len(data)) > f.lim.room() {
		return nil, f.lim.exceed()
	}
	for i, name := range names {
		limit := f.lim.room()
		out, err := f.applyFilter(name, data, parms[i], limit)
		if errors.Is(err, errOverLimit) || int64(len(out)) > limit {
			return nil, f.lim.exceed()
		}
		if err != nil {
			return nil, fmt.Errorf("filter %s: %w", name, err)
		}
		f.lim.spend(len(out))
		data = out
	}
	if len(names) == 0 {
		f.lim.spend(len(data))
	}
	return data, nil
}

// filters lists a stream's filter names with their parameters.
func (f *file) filters(s *Stream) ([]Name, []Dict) {
	params := f.resolve(s.Dict["DecodeParms"])
	switch t := f.resolve(s.Dict["Filter"]).(type) {
	case Name:
		return []Name{t}, []Dict{f.dict(params)}
	case Array:
		names, parms := make([]Name, len(t)), make([]Dict, len(t))
		for i, v := range t {
			names[i], _ = f.resolve(v).(Name)
			if pa, ok := params.(Array); ok && i < len(pa) {
				parms[i] = f.dict(pa[i])
			}
		}
		return names, parms
	}
	return nil, nil
}

var errUnsupportedFilter = errors.New("unsupported filter")

// applyFilter decodes data with one filter, stopping with errOverLimit
// as soon as the output would pass limit bytes.
func (f *file) applyFilter(name Name, data []byte, parms Dict, limit int64) ([]byte, error) {
	switch name {
	case "FlateDecode", "Fl":
		out, err := inflate(data, limit)
		if err != nil {
			return nil, err
		}
		return f.predict(out, parms)
	case "ASCIIHexDecode", "AHx":
		l := &lexer{b: append(append([]byte{'<'}, data...), '>')}
		return []byte(l.hexString()), nil // half the input at most
	case "ASCII85Decode", "A85":
		return ascii85(data, limit)
	case "RunLengthDecode", "RL":
		return runLength(data, limit)
	}
	return nil, fmt.Errorf("%w %s", errUnsupportedFilter, name)
}

// inflate reads zlib data, falling back to raw deflate, and keeps whatever
// decoded before a truncation since damaged streams are common.
func inflate(data []byte, limit int64) ([]byte, error) {
	var r io.Reader
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err == nil {
		r = zr
	} else {
		r = flate.NewReader(bytes.NewReader(data))
	}
	out, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(out)) > limit {
		return nil, errOverLimit
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

// ascii85 decodes ASCII base-85 up to its "~>" end marker, stopping with
// errOverLimit past limit bytes ("z" makes four bytes of one).
func ascii85(data []byte, limit int64) ([]byte, error) {
	var out []byte
	var tuple uint32
	n := 0
	for _, c := range data {
		switch {
		case c == '~':
			return within(flush85(out, tuple, n), limit)
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
		if int64(len(out)) > limit {
			return nil, errOverLimit
		}
	}
	return within(flush85(out, tuple, n), limit)
}

// within returns out, or errOverLimit when it is longer than limit.
func within(out []byte, limit int64) ([]byte, error) {
	if int64(len(out)) > limit {
		return nil, errOverLimit
	}
	return out, nil
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

// runLength decodes RunLengthDecode data, stopping with errOverLimit
// before the output passes limit bytes: each two input bytes may repeat
// one byte 128 times.
func runLength(data []byte, limit int64) ([]byte, error) {
	var out []byte
	for i := 0; i < len(data); {
		n := int(data[i])
		i++
		switch {
		case n < 128:
			end := min(i+n+1, len(data))
			if int64(len(out)+end-i) > limit {
				return nil, errOverLimit
			}
			out = append(out, data[i:end]...)
			i = end
		case n > 128 && i < len(data):
			if int64(len(out)+257-n) > limit {
				return nil, errOverLimit
			}
			k := len(out)
			out = slices.Grow(out, 257-n)[:k+257-n]
			for j := k; j < len(out); j++ {
				out[j] = data[i]
			}
			i++
		default:
			return out, nil
		}
	}
	return out, nil
}
