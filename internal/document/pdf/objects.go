package pdf

import "fmt"

// get loads object num, from the cache, its offset or its object stream.
// A missing or unreadable object reads as null, as the PDF spec asks.
func (f *file) get(num int) any {
	if v, ok := f.cache[num]; ok {
		return v
	}
	e, ok := f.xref[num]
	if !ok || f.busy[num] {
		return nil
	}
	f.busy[num] = true
	defer delete(f.busy, num)
	var v any
	if e.stream > 0 {
		v = f.objStm(e.stream)[num]
	} else {
		var err error
		v, err = f.indirectAt(e.off, num)
		if err != nil && !f.rebuilt {
			// A wrong offset usually means a damaged xref: rebuild once.
			if f.rebuild() == nil {
				return f.get(num)
			}
		}
	}
	f.cache[num] = v
	return v
}

// resolve follows references until it reaches a direct object.
func (f *file) resolve(v any) any {
	for i := 0; i < 32; i++ {
		r, ok := v.(Ref)
		if !ok {
			return v
		}
		v = f.get(r.Num)
	}
	return nil
}

// dict resolves v and returns it as a dictionary (a stream's dictionary
// counts), or nil.
func (f *file) dict(v any) Dict {
	switch t := f.resolve(v).(type) {
	case Dict:
		return t
	case *Stream:
		return t.Dict
	}
	return nil
}

func (f *file) num(v any) (float64, bool) {
	switch t := f.resolve(v).(type) {
	case int64:
		return float64(t), true
	case float64:
		return t, true
	}
	return 0, false
}

// objStm parses an object stream into its numbered objects.
func (f *file) objStm(num int) map[int]any {
	if m, ok := f.objStms[num]; ok {
		return m
	}
	f.objStms[num] = nil // guards against a stream that contains itself
	s, ok := f.get(num).(*Stream)
	if !ok {
		return nil
	}
	data, err := f.decode(s)
	if err != nil {
		return nil
	}
	n, _ := f.num(s.Dict["N"])
	first, _ := f.num(s.Dict["First"])
	m := map[int]any{}
	head := &lexer{b: data}
	for i := 0; i < int(n); i++ {
		a, _ := head.token()
		b, _ := head.token()
		obj, ok1 := a.(int64)
		off, ok2 := b.(int64)
		if !ok1 || !ok2 || int(first)+int(off) >= len(data) || int(first)+int(off) < 0 {
			break
		}
		body := &lexer{b: data, pos: int(first) + int(off)}
		if v, err := body.object(0); err == nil {
			m[int(obj)] = v
		}
	}
	f.objStms[num] = m
	return m
}

// text decodes a PDF text string: UTF-16BE with a BOM, UTF-8 with a BOM,
// otherwise PDFDocEncoding (read here as Windows-1252, which agrees on
// every printable character a title is likely to use).
func textString(s String) string {
	b := []byte(s)
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		return utf16BE(b[2:])
	}
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return string(b[3:])
	}
	r := make([]rune, 0, len(b))
	for _, c := range b {
		r = append(r, winAnsi[c])
	}
	return string(r)
}

func utf16BE(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return decodeUTF16(u)
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
