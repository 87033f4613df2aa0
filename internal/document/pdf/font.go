package pdf

// font knows how to turn a shown string's bytes into text and advances.
type font struct {
	twoByte  bool              // composite (Type0) font with 2-byte codes
	toUni    map[uint32]string // from /ToUnicode, preferred when present
	enc      *[256]rune        // simple font base encoding
	diff     map[uint32]string // simple font /Differences
	widths   map[uint32]float64
	defWidth float64 // in glyph space units (1/1000 em)
}

// glyph is one decoded character code.
type glyph struct {
	code  uint32
	text  string
	width float64 // advance in text space units (em)
}

// defaultFont is used when Tf names a font that cannot be loaded.
var defaultFont = &font{enc: &standardEnc, defWidth: 500}

// loadFont reads a font dictionary; it never fails, degrading to guesses.
func (f *file) loadFont(d Dict) *font {
	ft := &font{widths: map[uint32]float64{}, defWidth: 500}
	sub, _ := f.resolve(d["Subtype"]).(Name)
	if sub == "Type0" {
		ft.twoByte = true
		ft.defWidth = 1000
		if desc, ok := f.resolve(d["DescendantFonts"]).(Array); ok && len(desc) > 0 {
			f.cidWidths(ft, f.dict(desc[0]))
		}
	} else {
		f.simpleEncoding(ft, d, sub)
		f.simpleWidths(ft, d)
	}
	if s, ok := f.resolve(d["ToUnicode"]).(*Stream); ok {
		ft.toUni = f.cmap(s)
	}
	return ft
}

func (f *file) simpleEncoding(ft *font, d Dict, sub Name) {
	ft.enc = &standardEnc
	if sub == "TrueType" {
		ft.enc = &winAnsi
	}
	enc := f.resolve(d["Encoding"])
	if ed, ok := enc.(Dict); ok {
		enc = f.resolve(ed["BaseEncoding"])
		ft.diff = f.differences(ed["Differences"])
	}
	switch enc {
	case Name("WinAnsiEncoding"):
		ft.enc = &winAnsi
	case Name("MacRomanEncoding"):
		ft.enc = &macRoman
	case Name("StandardEncoding"):
		ft.enc = &standardEnc
	}
}

func (f *file) differences(v any) map[uint32]string {
	arr, ok := f.resolve(v).(Array)
	if !ok {
		return nil
	}
	m := map[uint32]string{}
	code := uint32(0)
	for _, e := range arr {
		switch t := f.resolve(e).(type) {
		case int64:
			code = uint32(t)
		case Name:
			m[code] = glyphText(string(t))
			code++
		}
	}
	return m
}

func (f *file) simpleWidths(ft *font, d Dict) {
	if fd := f.dict(d["FontDescriptor"]); fd != nil {
		if w, ok := f.num(fd["MissingWidth"]); ok && w > 0 {
			ft.defWidth = w
		}
	}
	first, _ := f.num(d["FirstChar"])
	ws, _ := f.resolve(d["Widths"]).(Array)
	for i, w := range ws {
		if v, ok := f.num(w); ok {
			ft.widths[uint32(int(first)+i)] = v
		}
	}
}

// cidWidths reads /DW and /W: "c [w1 w2 ...]" and "cfirst clast w" groups.
func (f *file) cidWidths(ft *font, d Dict) {
	if dw, ok := f.num(d["DW"]); ok {
		ft.defWidth = dw
	}
	w, _ := f.resolve(d["W"]).(Array)
	for i := 0; i < len(w); {
		c, ok := f.num(w[i])
		if !ok || i+1 >= len(w) {
			return
		}
		if list, ok := f.resolve(w[i+1]).(Array); ok {
			for j, v := range list {
				if n, ok := f.num(v); ok {
					ft.widths[uint32(int(c)+j)] = n
				}
			}
			i += 2
			continue
		}
		last, ok1 := f.num(w[i+1])
		if i+2 >= len(w) || !ok1 || last-c > 65535 {
			return
		}
		n, _ := f.num(w[i+2])
		for code := int(c); code <= int(last); code++ {
			ft.widths[uint32(code)] = n
		}
		i += 3
	}
}

// glyphs splits a shown string into character codes with text and width.
func (ft *font) glyphs(s []byte, out []glyph) []glyph {
	step := 1
	if ft.twoByte {
		step = 2
	}
	for i := 0; i+step <= len(s); i += step {
		code := uint32(s[i])
		if step == 2 {
			code = code<<8 | uint32(s[i+1])
		}
		w, ok := ft.widths[code]
		if !ok {
			w = ft.defWidth
		}
		out = append(out, glyph{code: code, text: ft.text(code), width: w / 1000})
	}
	return out
}

func (ft *font) text(code uint32) string {
	if t, ok := ft.toUni[code]; ok {
		return t
	}
	if t, ok := ft.diff[code]; ok {
		return t
	}
	if ft.twoByte || code > 255 {
		return ""
	}
	if r := ft.enc[code]; r != 0 {
		return string(r)
	}
	return ""
}

// cmap parses a ToUnicode stream once, however many fonts share it.
func (f *file) cmap(s *Stream) map[uint32]string {
	if m, ok := f.cmaps[s]; ok {
		return m
	}
	var m map[uint32]string
	if data, err := f.decode(s); err == nil {
		m = parseCMap(data)
	}
	f.cmaps[s] = m
	return m
}
