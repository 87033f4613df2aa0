package llm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxLineBytes bounds one line of a stream (an SSE field or an NDJSON
// object). A frame of one token is under a kilobyte; a longer line means the
// body is not a stream.
const MaxLineBytes = 1 << 20

// ErrLineTooLong is returned when a stream line exceeds MaxLineBytes.
var ErrLineTooLong = errors.New("stream line too long")

// lineReader reads lines of at most max bytes, without their end of line
// (\n, \r\n or a lone \r is not split; only \n ends a line).
type lineReader struct {
	r      *bufio.Reader
	max    int
	buf    []byte
	onLine func() // called for every line read, keepalives included
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 16<<10), max: max}
}

// next returns the next line, valid until the following call. At the end
// of input it returns the last unterminated line, if any, then io.EOF.
func (lr *lineReader) next() ([]byte, error) {
	lr.buf = lr.buf[:0]
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if len(lr.buf)+len(chunk) > lr.max+1 {
			return nil, fmt.Errorf("%w: over %d bytes", ErrLineTooLong, lr.max)
		}
		if err == nil && lr.onLine != nil {
			lr.onLine()
		}
		switch {
		case err == nil:
			if len(lr.buf) == 0 {
				return trimEOL(chunk), nil
			}
			lr.buf = append(lr.buf, chunk...)
			return trimEOL(lr.buf), nil
		case errors.Is(err, bufio.ErrBufferFull):
			lr.buf = append(lr.buf, chunk...)
		case errors.Is(err, io.EOF) && len(lr.buf)+len(chunk) > 0:
			lr.buf = append(lr.buf, chunk...)
			return trimEOL(lr.buf), nil
		default:
			return nil, err
		}
	}
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}
