package llm

import (
	"bytes"
	"errors"
	"io"
)

// sseEvent is one server-sent event.
type sseEvent struct {
	Name string // the event field; "" for the default "message"
	Data []byte // data fields joined by \n; valid until the next call
}

// sseReader splits a text/event-stream body into events, following the
// WHATWG rules that matter for chat streams: data lines accumulate, a blank
// line dispatches, comments (keepalives) and unknown fields are skipped.
type sseReader struct {
	lines *lineReader
	data  []byte
	name  string
}

func newSSEReader(r io.Reader, maxLine int) *sseReader {
	return &sseReader{lines: newLineReader(r, maxLine)}
}

// next returns the next event with data. At the end of input it dispatches
// a pending event that lacks its blank line, then returns io.EOF.
func (s *sseReader) next() (sseEvent, error) {
	s.data, s.name = s.data[:0], ""
	hasData := false
	for {
		line, err := s.lines.next()
		if errors.Is(err, io.EOF) && hasData {
			return sseEvent{Name: s.name, Data: s.data}, nil
		}
		if err != nil {
			return sseEvent{}, err
		}
		if len(line) == 0 {
			if hasData {
				return sseEvent{Name: s.name, Data: s.data}, nil
			}
			s.name = ""
			continue
		}
		field, value := splitField(line)
		switch string(field) {
		case "data":
			if hasData {
				s.data = append(s.data, '\n')
			}
			s.data = append(s.data, value...)
			hasData = true
		case "event":
			s.name = string(value)
		}
	}
}

// splitField splits "field: value"; a line starting with ':' is a comment
// and yields an empty field.
func splitField(line []byte) (field, value []byte) {
	i := bytes.IndexByte(line, ':')
	switch {
	case i == 0:
		return nil, nil
	case i < 0:
		return line, nil
	}
	value = line[i+1:]
	if len(value) > 0 && value[0] == ' ' {
		value = value[1:]
	}
	return line[:i], value
}
