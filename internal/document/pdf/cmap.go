package pdf

// maxCMapRange bounds one bfrange so a hostile CMap cannot allocate
// millions of entries.
const maxCMapRange = 1 << 16

// parseCMap reads the bfchar and bfrange sections of a ToUnicode CMap.
func parseCMap(data []byte) map[uint32]string {
	m := map[uint32]string{}
	l := &lexer{b: data}
	var stack []any
	for {
		tok, ok := l.token()
		if !ok {
			return m
		}
		switch tok {
		case keyword("beginbfchar"), keyword("beginbfrange"):
			stack = stack[:0]
			continue
		case keyword("endbfchar"):
			for i := 0; i+1 < len(stack); i += 2 {
				src, ok1 := stack[i].(String)
				dst, ok2 := stack[i+1].(String)
				if ok1 && ok2 {
					m[codeOf(src)] = utf16BE(dst)
				}
			}
			stack = stack[:0]
			continue
		case keyword("endbfrange"):
			bfRanges(m, stack)
			stack = stack[:0]
			continue
		}
		if tok == delim("[") {
			arr, err := l.array(0)
			if err != nil {
				return m
			}
			tok = arr
		}
		if len(stack) < 1<<16 {
			stack = append(stack, tok)
		}
	}
}

func bfRanges(m map[uint32]string, stack []any) {
	for i := 0; i+2 < len(stack); i += 3 {
		lo, ok1 := stack[i].(String)
		hi, ok2 := stack[i+1].(String)
		if !ok1 || !ok2 {
			continue
		}
		a, b := codeOf(lo), codeOf(hi)
		if b < a || b-a > maxCMapRange {
			continue
		}
		switch dst := stack[i+2].(type) {
		case String:
			u := make([]uint16, 0, len(dst)/2)
			for j := 0; j+1 < len(dst); j += 2 {
				u = append(u, uint16(dst[j])<<8|uint16(dst[j+1]))
			}
			if len(u) == 0 {
				continue
			}
			for c := a; c <= b; c++ {
				u2 := append([]uint16(nil), u...)
				u2[len(u2)-1] += uint16(c - a)
				m[c] = decodeUTF16(u2)
			}
		case Array:
			for j, v := range dst {
				if s, ok := v.(String); ok && a+uint32(j) <= b {
					m[a+uint32(j)] = utf16BE(s)
				}
			}
		}
	}
}

func codeOf(s String) uint32 {
	var c uint32
	for _, b := range s {
		c = c<<8 | uint32(b)
	}
	return c
}
