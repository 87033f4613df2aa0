package pdf

import (
	"math"
	"strings"
)

// matrix is an affine transform [a b c d e f] as PDF writes it.
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n (apply m first, then n).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// span is a run of text drawn on one baseline, in device space.
type span struct {
	x0, x1, y, size float64
	text            string
}

type gstate struct {
	ctm                                     matrix
	font                                    *font
	size, charSp, wordSp, scale, lead, rise float64
}

// interp runs content streams and collects spans.
type interp struct {
	f        *file
	gs       gstate
	stack    []gstate
	tm, tlm  matrix
	fonts    map[*Stream]*font
	fontDict map[Ref]*font
	spans    []span
	glyphs   []glyph
	depth    int
	maxSpans int
	forms    int              // form XObjects run on this page
	active   map[*Stream]bool // forms being run, to refuse recursion
}

// maxForms caps form XObject invocations per page: a form drawn many
// times by forms drawn many times would otherwise grow exponentially.
const maxForms = 1000

const maxOperands = 4096

// run interprets one content stream with the given resources.
func (in *interp) run(data []byte, res Dict) {
	l := &lexer{b: data}
	var ops []any
	for {
		tok, ok := l.token()
		if !ok || len(in.spans) > in.maxSpans {
			return
		}
		switch t := tok.(type) {
		case keyword:
			if t == "ID" {
				skipInlineImage(l)
			} else {
				in.op(string(t), ops, res)
			}
			ops = ops[:0]
			continue
		case delim:
			if t == "[" {
				arr, err := l.array(0)
				if err != nil {
					return
				}
				tok = arr
			} else if t == "<<" {
				d, err := l.dict(0)
				if err != nil {
					return
				}
				tok = d
			}
		}
		if len(ops) < maxOperands {
			ops = append(ops, tok)
		}
	}
}

// skipInlineImage moves past binary image data up to "EI".
func skipInlineImage(l *lexer) {
	for i := l.pos + 1; i+2 <= len(l.b); i++ {
		if l.b[i] == 'E' && l.b[i+1] == 'I' && isSpace(l.b[i-1]) &&
			(i+2 == len(l.b) || isSpace(l.b[i+2])) {
			l.pos = i + 2
			return
		}
	}
	l.pos = len(l.b)
}

func nums(ops []any, n int) ([]float64, bool) {
	if len(ops) < n {
		return nil, false
	}
	out := make([]float64, n)
	for i, v := range ops[len(ops)-n:] {
		switch t := v.(type) {
		case int64:
			out[i] = float64(t)
		case float64:
			out[i] = t
		default:
			return nil, false
		}
	}
	return out, true
}

func (in *interp) op(name string, ops []any, res Dict) {
	switch name {
	case "q":
		if len(in.stack) < 256 {
			in.stack = append(in.stack, in.gs)
		}
	case "Q":
		if n := len(in.stack); n > 0 {
			in.gs, in.stack = in.stack[n-1], in.stack[:n-1]
		}
	case "cm":
		if v, ok := nums(ops, 6); ok {
			in.gs.ctm = matrix(v).mul(in.gs.ctm)
		}
	case "BT":
		in.tm, in.tlm = identity, identity
	case "Do":
		in.doXObject(ops, res)
	default:
		in.textOp(name, ops, res)
	}
}

func (in *interp) textOp(name string, ops []any, res Dict) {
	g := &in.gs
	switch name {
	case "Tf":
		if v, ok := nums(ops, 1); ok && len(ops) >= 2 {
			n, _ := ops[len(ops)-2].(Name)
			g.font, g.size = in.font(res, n), v[0]
		}
	case "Tc", "Tw", "Tz", "TL", "Ts":
		if v, ok := nums(ops, 1); ok {
			*g.param(name) = v[0]
		}
	case "Td", "TD":
		if v, ok := nums(ops, 2); ok {
			if name == "TD" {
				g.lead = -v[1]
			}
			in.newLine(v[0], v[1])
		}
	case "Tm":
		if v, ok := nums(ops, 6); ok {
			in.tm, in.tlm = matrix(v), matrix(v)
		}
	case "T*":
		in.newLine(0, -g.lead)
	case "Tj", "'", "\"":
		if name != "Tj" {
			in.newLine(0, -g.lead)
		}
		if name == "\"" {
			if v, ok := nums(ops[:max(0, len(ops)-1)], 2); ok {
				g.wordSp, g.charSp = v[0], v[1]
			}
		}
		if len(ops) > 0 {
			if s, ok := ops[len(ops)-1].(String); ok {
				in.show(s)
			}
		}
	case "TJ":
		if len(ops) > 0 {
			in.showArray(ops[len(ops)-1])
		}
	}
}

func (in *interp) newLine(tx, ty float64) {
	in.tlm = matrix{1, 0, 0, 1, tx, ty}.mul(in.tlm)
	in.tm = in.tlm
}

func (in *interp) showArray(v any) {
	arr, _ := v.(Array)
	for _, e := range arr {
		switch t := e.(type) {
		case String:
			in.show(t)
		case int64, float64:
			n, _ := nums([]any{t}, 1)
			tx := -n[0] / 1000 * in.gs.size * in.gs.scale / 100
			in.tm = matrix{1, 0, 0, 1, tx, 0}.mul(in.tm)
		}
	}
}

// show draws a string: it advances the text matrix glyph by glyph and
// records runs as spans, starting a new span after a run of spaces wider
// than a cell gap (some writers lay out table cells with spaces).
func (in *interp) show(s String) {
	g := &in.gs
	ft := g.font
	if ft == nil {
		ft = defaultFont
	}
	th := g.scale / 100
	start := in.origin()
	var text strings.Builder
	spaces := 0.0
	in.glyphs = ft.glyphs(s, in.glyphs[:0])
	for _, gl := range in.glyphs {
		if gl.text == " " && text.Len() > 0 {
			spaces += gl.width
			if spaces > fragGap {
				in.emit(start, in.origin(), &text)
			}
		} else if gl.text != " " {
			if text.Len() == 0 {
				start = in.origin()
			}
			spaces = 0
		}
		if text.Len() > 0 || gl.text != " " {
			text.WriteString(gl.text)
		}
		tx := gl.width*g.size + g.charSp
		if !ft.twoByte && gl.code == 32 {
			tx += g.wordSp
		}
		in.tm = matrix{1, 0, 0, 1, tx * th, 0}.mul(in.tm)
	}
	in.emit(start, in.origin(), &text)
}

// origin is the current glyph origin in device space: x, y and the
// effective font size.
func (in *interp) origin() [3]float64 {
	g := &in.gs
	trm := matrix{g.size * g.scale / 100, 0, 0, g.size, 0, g.rise}.mul(in.tm).mul(g.ctm)
	return [3]float64{trm[4], trm[5], math.Hypot(trm[2], trm[3])}
}

func (in *interp) emit(start, end [3]float64, text *strings.Builder) {
	t := text.String()
	text.Reset()
	in.addSpan(span{x0: start[0], x1: end[0], y: start[1], size: start[2], text: t})
}

// addSpan appends a span, gluing it to the previous one when it continues
// the same baseline without a gap (kerned TJ pieces, one glyph per Tj).
func (in *interp) addSpan(s span) {
	if s.text == "" || !(s.size > 0 && s.size < 1e4) || !finite(s.x0, s.x1, s.y) {
		return
	}
	if n := len(in.spans); n > 0 {
		p := &in.spans[n-1]
		gap := s.x0 - p.x1
		if math.Abs(p.y-s.y) < 0.1*s.size && gap > -0.1*s.size && gap < 0.12*s.size {
			p.text += s.text
			p.x1 = max(p.x1, s.x1)
			return
		}
	}
	in.spans = append(in.spans, s)
}

func (in *interp) font(res Dict, n Name) *font {
	fonts := in.f.dict(res["Font"])
	ref, isRef := fonts[n].(Ref)
	if isRef {
		if ft, ok := in.fontDict[ref]; ok {
			return ft
		}
	}
	d := in.f.dict(fonts[n])
	if d == nil {
		return defaultFont
	}
	ft := in.f.loadFont(d)
	if isRef {
		in.fontDict[ref] = ft
	}
	return ft
}

// doXObject runs a form XObject's content, which may hold text.
func (in *interp) doXObject(ops []any, res Dict) {
	if len(ops) == 0 || in.depth >= 8 {
		return
	}
	n, _ := ops[len(ops)-1].(Name)
	s, ok := in.f.resolve(in.f.dict(res["XObject"])[n]).(*Stream)
	if !ok || s.Dict["Subtype"] != Name("Form") || in.active[s] || in.forms >= maxForms {
		return
	}
	in.forms++
	in.active[s] = true
	defer delete(in.active, s)
	data, err := in.f.decode(s)
	if err != nil {
		return
	}
	saved, savedTm, savedTlm := in.gs, in.tm, in.tlm
	if v, ok := nums(asAnys(in.f.resolve(s.Dict["Matrix"])), 6); ok {
		in.gs.ctm = matrix(v).mul(in.gs.ctm)
	}
	sub := in.f.dict(s.Dict["Resources"])
	if sub == nil {
		sub = res
	}
	in.depth++
	in.run(data, sub)
	in.depth--
	in.gs, in.tm, in.tlm = saved, savedTm, savedTlm
}

func asAnys(v any) []any {
	a, _ := v.(Array)
	return a
}

// param returns the text state parameter that a one-operand operator sets.
func (g *gstate) param(op string) *float64 {
	switch op {
	case "Tc":
		return &g.charSp
	case "Tw":
		return &g.wordSp
	case "Tz":
		return &g.scale
	case "TL":
		return &g.lead
	}
	return &g.rise
}

// finite reports whether every coordinate is a number within a sane page
// (1e6 points is over 350 metres), so layout arithmetic cannot overflow.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if !(v > -1e6 && v < 1e6) {
			return false
		}
	}
	return true
}
