package stix

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// Item is one object read from an input, with its position.
type Item struct {
	Index int    // 0-based position among the objects of the input
	Raw   []byte // the object's JSON, owned by the caller
	V20   bool   // the object came from a STIX 2.0 bundle
}

// SyntaxError reports input that is not well-formed JSON, or JSON of a
// shape that holds no STIX objects.
type SyntaxError struct {
	Offset int64 // byte offset in the input where reading failed
	Index  int   // index of the object being read, -1 outside any object
	Msg    string
}

func (e *SyntaxError) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("byte %d (object %d): %s", e.Offset, e.Index, e.Msg)
	}
	return fmt.Sprintf("byte %d: %s", e.Offset, e.Msg)
}

// Decoder reads STIX objects one at a time from a bundle, a bare JSON array
// of objects, a single object, or several of these one after another. It
// holds one object in memory at a time, whatever the input's size.
type Decoder struct {
	dec   *jsontext.Decoder
	index int
	state int // 0 between top-level values, 1 inside an objects array, 2 inside a bundle after its array
	v20   bool
	queue [][]byte // a single top-level object, reassembled
	seen  bool     // a top-level value was read
	err   error    // an encoding problem found before decoding
}

// NewDecoder returns a Decoder reading r. A UTF-8 byte order mark is
// skipped; UTF-16 and UTF-32 input is refused with a message that says so.
// Duplicate property names are left for Parse to report on the object
// that holds them, so that one bad object does not refuse the whole input.
func NewDecoder(r io.Reader) *Decoder {
	br := bufio.NewReaderSize(r, 64<<10)
	d := &Decoder{}
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		d.err = &SyntaxError{
			Index: -1,
			Msg:   "input is UTF-16 (it starts with a UTF-16 byte order mark); convert it to UTF-8",
		}
	case len(head) == 4 && (head[0] == 0 || head[1] == 0) && (head[2] == 0 || head[3] == 0):
		d.err = &SyntaxError{
			Index: -1,
			Msg:   "input is UTF-16 or UTF-32 (it has NUL bytes between characters); convert it to UTF-8",
		}
	}
	d.dec = jsontext.NewDecoder(br, jsontext.AllowDuplicateNames(true))
	return d
}

// InputOffset is the number of input bytes consumed so far.
func (d *Decoder) InputOffset() int64 { return d.dec.InputOffset() }

// Next returns the next object, or io.EOF after the last one.
func (d *Decoder) Next() (Item, error) {
	if d.err != nil {
		return Item{}, d.err
	}
	for {
		if len(d.queue) > 0 {
			raw := d.queue[0]
			d.queue = d.queue[1:]
			return d.item(raw), nil
		}
		switch d.state {
		case 1:
			if d.dec.PeekKind() != ']' {
				v, err := d.dec.ReadValue()
				if err != nil {
					return Item{}, d.syntax(err, d.index)
				}
				if v.Kind() != '{' {
					return Item{}, d.shape(
						fmt.Sprintf("element %d is %s, not an object", d.index, kindName(v.Kind())),
					)
				}
				return d.item(v.Clone()), nil
			}
			if _, err := d.dec.ReadToken(); err != nil {
				return Item{}, d.syntax(err, -1)
			}
			d.state = 0
			if d.dec.StackDepth() > 0 {
				d.state = 2
			}
		case 2:
			if err := d.bundleRest(); err != nil {
				return Item{}, err
			}
			d.state = 0
		default:
			if err := d.top(); err != nil {
				return Item{}, err
			}
		}
	}
}

func (d *Decoder) item(raw []byte) Item {
	it := Item{Index: d.index, Raw: raw, V20: d.v20}
	d.index++
	return it
}

// top starts the next top-level value.
func (d *Decoder) top() error {
	switch k := d.dec.PeekKind(); k {
	case 0:
		if _, err := d.dec.ReadToken(); err != nil && !errors.Is(err, io.EOF) {
			return d.syntax(err, -1)
		}
		if !d.seen {
			return d.shape("input is empty: no STIX bundle, object or array of objects")
		}
		return io.EOF
	case '[':
		if _, err := d.dec.ReadToken(); err != nil {
			return d.syntax(err, -1)
		}
		d.seen = true
		d.state = 1
		return nil
	case '{':
		d.seen = true
		return d.openObject()
	default:
		if _, err := d.dec.ReadToken(); err != nil {
			return d.syntax(err, -1)
		}
		return d.shape("input holds " + kindName(k) + ", not a STIX bundle, object or array of objects")
	}
}

// openObject reads a top-level object up to its "objects" array, if it is a
// bundle, or whole otherwise.
func (d *Decoder) openObject() error {
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err, -1)
	}
	var members []byte
	for d.dec.PeekKind() != '}' {
		name, err := d.dec.ReadToken()
		if err != nil {
			return d.syntax(err, d.index)
		}
		key := name.String()
		if key == "objects" && d.dec.PeekKind() != '[' && bundleType(members) {
			return d.shape("the bundle's \"objects\" is " + kindName(d.dec.PeekKind()) + ", not an array")
		}
		if key == "objects" && d.dec.PeekKind() == '[' {
			if _, err := d.dec.ReadToken(); err != nil {
				return d.syntax(err, -1)
			}
			d.v20 = d.v20 || bundle20(members)
			d.state = 1
			return nil
		}
		v, err := d.dec.ReadValue()
		if err != nil {
			return d.syntax(err, d.index)
		}
		if len(members) > 0 {
			members = append(members, ',')
		}
		members, _ = jsontext.AppendQuote(members, key)
		members = append(members, ':')
		members = append(members, v...)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err, -1)
	}
	raw := append(append([]byte{'{'}, members...), '}')
	if isBundle(raw) {
		if o, err := Parse(raw); err == nil && o.Has("objects") {
			return d.shape("the bundle's \"objects\" is not an array")
		}
		return nil // a bundle with no objects at all: nothing to import
	}
	d.queue = append(d.queue, raw)
	return nil
}

// bundleRest reads the members of a bundle that follow its objects array.
func (d *Decoder) bundleRest() error {
	for d.dec.PeekKind() != '}' {
		if _, err := d.dec.ReadToken(); err != nil {
			return d.syntax(err, -1)
		}
		if err := d.dec.SkipValue(); err != nil {
			return d.syntax(err, -1)
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err, -1)
	}
	return nil
}

func isBundle(raw []byte) bool {
	o, err := Parse(raw)
	return err == nil && o.Type == "bundle"
}

// bundleType reports whether the members read so far say "type": "bundle".
func bundleType(members []byte) bool {
	return isBundle(append(append([]byte{'{'}, members...), '}'))
}

func bundle20(members []byte) bool {
	o, err := Parse(append(append([]byte{'{'}, members...), '}'))
	return err == nil && o.SpecVersion == "2.0"
}

func (d *Decoder) syntax(err error, index int) error {
	off := d.dec.InputOffset()
	msg := err.Error()
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		off = se.ByteOffset
		msg = se.Err.Error()
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "unexpected end of input"
	}
	return &SyntaxError{Offset: off, Index: index, Msg: msg}
}

func (d *Decoder) shape(msg string) error {
	return &SyntaxError{Offset: d.dec.InputOffset(), Index: -1, Msg: msg}
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '[':
		return "an array"
	case '{':
		return "an object"
	}
	return "nothing"
}
