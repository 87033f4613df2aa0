package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// entry locates one object: at a byte offset, or inside an object stream.
type entry struct {
	off    int
	stream int // object stream number when > 0
	index  int
}

// file is a parsed PDF cross-reference with lazily loaded objects.
type file struct {
	data    []byte
	xref    map[int]entry
	trailer Dict
	cache   map[int]any
	objStms map[int]map[int]any
	cmaps   map[*Stream]map[uint32]string
	busy    map[int]bool
	rebuilt bool
	lim     *budget // bounds the bytes decoded from streams
}

func openFile(data []byte, lim *budget) (*file, error) {
	f := &file{data: data, lim: lim, cache: map[int]any{},
		objStms: map[int]map[int]any{}, busy: map[int]bool{},
		cmaps: map[*Stream]map[uint32]string{}}
	if err := f.readXref(); err != nil || !f.hasRoot() {
		if rerr := f.rebuild(); rerr != nil && err != nil {
			return nil, fmt.Errorf("%w, and %w", err, rerr)
		} else if rerr != nil {
			return nil, rerr
		}
	}
	if _, ok := f.trailer["Encrypt"]; ok {
		return nil, ErrEncrypted
	}
	if !f.hasRoot() {
		return nil, errors.New("no document catalog (/Root)")
	}
	return f, nil
}

func (f *file) hasRoot() bool {
	if f.trailer == nil {
		return false
	}
	_, ok := f.resolve(f.trailer["Root"]).(Dict)
	return ok
}

// readXref follows startxref and every /Prev section, newest first.
func (f *file) readXref() error {
	tail := f.data[max(0, len(f.data)-2048):]
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return errors.New("no startxref in the last 2048 bytes")
	}
	l := &lexer{b: tail, pos: i + len("startxref")}
	tok, _ := l.token()
	off, ok := tok.(int64)
	if !ok {
		return errors.New("startxref without an offset")
	}
	f.xref = map[int]entry{}
	seen := map[int64]bool{}
	for off > 0 && !seen[off] && len(seen) < 1000 {
		seen[off] = true
		trailer, err := f.xrefSection(int(off))
		if err != nil {
			return err
		}
		if f.trailer == nil {
			f.trailer = trailer
		}
		if stm, ok := trailer["XRefStm"].(int64); ok && !seen[stm] {
			seen[stm] = true
			if _, err := f.xrefSection(int(stm)); err != nil {
				return err
			}
		}
		off, _ = trailer["Prev"].(int64)
	}
	return nil
}

// xrefSection reads a classic table or a cross-reference stream at off.
func (f *file) xrefSection(off int) (Dict, error) {
	if off < 0 || off >= len(f.data) {
		return nil, fmt.Errorf("xref offset %d is outside the file (%d bytes)", off, len(f.data))
	}
	l := &lexer{b: f.data, pos: off}
	save := l.pos
	if tok, _ := l.token(); tok == keyword("xref") {
		return f.xrefTable(l, off)
	}
	l.pos = save
	n, _ := l.token()
	num, ok := n.(int64)
	if !ok {
		return nil, fmt.Errorf("nothing readable at xref offset %d", off)
	}
	v, err := f.indirectAt(off, int(num))
	if err != nil {
		return nil, fmt.Errorf("xref stream at byte %d unreadable: %w", off, err)
	}
	s, ok := v.(*Stream)
	if !ok || s.Dict["Type"] != Name("XRef") {
		return nil, fmt.Errorf("object at xref offset %d is not an xref stream", off)
	}
	if err := f.xrefStream(s); err != nil {
		return nil, fmt.Errorf("xref stream at byte %d unreadable: %w", off, err)
	}
	return s.Dict, nil
}

// xrefTable reads a classic table whose "xref" keyword is at byte off.
func (f *file) xrefTable(l *lexer, off int) (Dict, error) {
	for {
		tok, ok := l.token()
		if !ok {
			return nil, fmt.Errorf("xref table at byte %d unreadable: no trailer", off)
		}
		if tok == keyword("trailer") {
			d, err := l.object(0)
			if dd, ok := d.(Dict); ok && err == nil {
				return dd, nil
			}
			return nil, fmt.Errorf("xref table at byte %d unreadable: bad trailer dictionary", off)
		}
		start, ok1 := tok.(int64)
		c, _ := l.token()
		count, ok2 := c.(int64)
		if !ok1 || !ok2 || count < 0 || count > int64(len(f.data)) {
			return nil, fmt.Errorf(
				"xref table at byte %d unreadable: bad subsection header at byte %d",
				off,
				l.pos,
			)
		}
		for i := int64(0); i < count; i++ {
			o, _ := l.token()
			_, _ = l.token()
			kind, _ := l.token()
			num := int(start + i)
			if _, have := f.xref[num]; have || kind != keyword("n") {
				continue
			}
			if off, ok := o.(int64); ok {
				f.xref[num] = entry{off: int(off)}
			}
		}
	}
}

func (f *file) xrefStream(s *Stream) error {
	data, err := f.decode(s)
	if err != nil {
		return err
	}
	w, _ := s.Dict["W"].(Array)
	if len(w) != 3 {
		return errors.New("/W must have 3 entries")
	}
	var ws [3]int
	for i, v := range w {
		n, _ := v.(int64)
		if n < 0 || n > 8 {
			return fmt.Errorf("/W field width %d", n)
		}
		ws[i] = int(n)
	}
	index, _ := s.Dict["Index"].(Array)
	if index == nil {
		size, _ := s.Dict["Size"].(int64)
		index = Array{int64(0), size}
	}
	row := ws[0] + ws[1] + ws[2]
	if row == 0 {
		return errors.New("/W gives rows of width 0")
	}
	p := 0
	for i := 0; i+1 < len(index); i += 2 {
		start, _ := index[i].(int64)
		count, _ := index[i+1].(int64)
		for j := int64(0); j < count && p+row <= len(data); j++ {
			f.addStreamEntry(int(start+j), data[p:p+row], ws)
			p += row
		}
	}
	return nil
}

func (f *file) addStreamEntry(num int, rec []byte, ws [3]int) {
	field := func(b []byte) int {
		v := 0
		for _, c := range b {
			v = v<<8 | int(c)
		}
		return v
	}
	typ := 1
	if ws[0] > 0 {
		typ = field(rec[:ws[0]])
	}
	a := field(rec[ws[0] : ws[0]+ws[1]])
	b := field(rec[ws[0]+ws[1]:])
	if _, have := f.xref[num]; have {
		return
	}
	switch typ {
	case 1:
		f.xref[num] = entry{off: a}
	case 2:
		f.xref[num] = entry{stream: a, index: b}
	}
}

var objHeader = regexp.MustCompile(`(\d+)[ \t\r\n\f]+(\d+)[ \t\r\n\f]+obj\b`)
var errNoObjects = errors.New("no objects found scanning the file")

// rebuild scans the whole file for "n g obj" headers, as readers do when a
// cross-reference table is missing or wrong.
func (f *file) rebuild() error {
	f.rebuilt = true
	f.xref = map[int]entry{}
	f.cache = map[int]any{}
	for _, m := range objHeader.FindAllSubmatchIndex(f.data, -1) {
		if m[0] > 0 && !isSpace(f.data[m[0]-1]) && !isDelim(f.data[m[0]-1]) {
			continue
		}
		num, _ := strconv.Atoi(string(f.data[m[2]:m[3]]))
		f.xref[num] = entry{off: m[0]}
	}
	if len(f.xref) == 0 {
		return errNoObjects
	}
	f.indexObjectStreams()
	if i := bytes.LastIndex(f.data, []byte("trailer")); i >= 0 {
		l := &lexer{b: f.data, pos: i + len("trailer")}
		if d, err := l.object(0); err == nil {
			f.trailer, _ = d.(Dict)
		}
	}
	if !f.hasRoot() {
		f.findCatalog()
	}
	return nil
}

// indexObjectStreams registers objects stored inside object streams.
func (f *file) indexObjectStreams() {
	for num := range f.xref {
		s, ok := f.get(num).(*Stream)
		if !ok {
			continue
		}
		switch s.Dict["Type"] {
		case Name("ObjStm"):
			for obj := range f.objStm(num) {
				if _, have := f.xref[obj]; !have {
					f.xref[obj] = entry{stream: num}
				}
			}
		case Name("XRef"):
			if f.trailer == nil {
				f.trailer = s.Dict
			}
		}
	}
}

func (f *file) findCatalog() {
	for num := range f.xref {
		if d, ok := f.get(num).(Dict); ok && d["Type"] == Name("Catalog") {
			if f.trailer == nil {
				f.trailer = Dict{}
			}
			f.trailer["Root"] = Ref{Num: num}
			return
		}
	}
}
