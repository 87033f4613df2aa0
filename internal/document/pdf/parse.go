package pdf

import (
	"bytes"
	"errors"
	"fmt"
)

// maxDepth bounds nesting of arrays and dictionaries so hostile input
// cannot exhaust the stack.
const maxDepth = 64

var errSyntax = errors.New("syntax error")

// object reads one complete object, resolving "num gen R" into a Ref.
func (l *lexer) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nesting deeper than %d", errSyntax, maxDepth)
	}
	tok, ok := l.token()
	if !ok {
		return nil, fmt.Errorf("%w: unexpected end of data", errSyntax)
	}
	switch t := tok.(type) {
	case delim:
		switch t {
		case "[":
			return l.array(depth)
		case "<<":
			return l.dict(depth)
		}
		return nil, fmt.Errorf("%w: unexpected %q", errSyntax, string(t))
	case int64:
		return l.maybeRef(t), nil
	}
	return tok, nil
}

// maybeRef looks ahead for "gen R" after an integer.
func (l *lexer) maybeRef(num int64) any {
	save := l.pos
	gen, ok := l.token()
	if g, isInt := gen.(int64); ok && isInt {
		r, ok := l.token()
		if k, isKw := r.(keyword); ok && isKw && k == "R" {
			return Ref{Num: int(num), Gen: int(g)}
		}
	}
	l.pos = save
	return num
}

func (l *lexer) array(depth int) (Array, error) {
	var arr Array
	for {
		l.skipSpace()
		if l.pos >= len(l.b) {
			return arr, fmt.Errorf("%w: unterminated array", errSyntax)
		}
		if l.b[l.pos] == ']' {
			l.pos++
			return arr, nil
		}
		v, err := l.object(depth + 1)
		if err != nil {
			return arr, err
		}
		arr = append(arr, v)
	}
}

func (l *lexer) dict(depth int) (Dict, error) {
	d := Dict{}
	for {
		l.skipSpace()
		if l.pos+1 < len(l.b) && l.b[l.pos] == '>' && l.b[l.pos+1] == '>' {
			l.pos += 2
			return d, nil
		}
		k, err := l.object(depth + 1)
		if err != nil {
			return d, err
		}
		key, ok := k.(Name)
		if !ok {
			return d, fmt.Errorf("%w: dictionary key is %T, not a name", errSyntax, k)
		}
		v, err := l.object(depth + 1)
		if err != nil {
			return d, err
		}
		d[key] = v
	}
}

// indirect parses "num gen obj ... endobj" at offset, including a stream body.
// length resolves a stream's /Length when it is itself a reference.
func (f *file) indirectAt(off int, want int) (any, error) {
	if off < 0 || off >= len(f.data) {
		return nil, fmt.Errorf("%w: object %d offset %d outside file", errSyntax, want, off)
	}
	l := &lexer{b: f.data, pos: off}
	n, _ := l.token()
	_, _ = l.token()
	kw, _ := l.token()
	if num, ok := n.(int64); !ok || int(num) != want || kw != keyword("obj") {
		return nil, fmt.Errorf("%w: no object %d at offset %d", errSyntax, want, off)
	}
	v, err := l.object(0)
	if err != nil {
		return nil, fmt.Errorf("object %d: %w", want, err)
	}
	d, ok := v.(Dict)
	if !ok {
		return v, nil
	}
	save := l.pos
	if tok, _ := l.token(); tok != keyword("stream") {
		l.pos = save
		return d, nil
	}
	s, err := f.streamBody(l, d, want)
	if err != nil {
		return nil, err // not a nil *Stream, which would not read as null
	}
	return s, nil
}

// streamBody reads the bytes after the "stream" keyword, trusting /Length
// when it points at "endstream" and searching for that keyword otherwise.
func (f *file) streamBody(l *lexer, d Dict, num int) (*Stream, error) {
	p := l.pos
	if p < len(l.b) && l.b[p] == '\r' {
		p++
	}
	if p < len(l.b) && l.b[p] == '\n' {
		p++
	}
	if n, ok := f.resolve(d["Length"]).(int64); ok && n >= 0 && p+int(n) <= len(l.b) {
		end := p + int(n)
		rest := l.b[end:min(end+32, len(l.b))]
		if bytes.Contains(rest, []byte("endstream")) {
			return &Stream{Dict: d, Raw: l.b[p:end]}, nil
		}
	}
	i := bytes.Index(l.b[p:], []byte("endstream"))
	if i < 0 {
		return nil, fmt.Errorf("%w: object %d: stream without endstream", errSyntax, num)
	}
	raw := bytes.TrimRight(l.b[p:p+i], "\r\n")
	return &Stream{Dict: d, Raw: raw}, nil
}
