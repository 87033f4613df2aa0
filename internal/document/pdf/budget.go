package pdf

import (
	"errors"
	"fmt"
)

// errOverLimit is returned by a filter that was asked to stop at a limit
// and would have gone past it.
var errOverLimit = errors.New("output over limit")

// budget bounds the bytes decoded from one document's streams: no filter
// may output more than stream bytes, and all filters together (every
// stage of every decode, a stream decoded twice counting twice) no more
// than total. Once it is spent, err is set and every further decode
// fails at once, so a hostile file costs at most total bytes of work.
type budget struct {
	stream int64 // most bytes one filter may output
	total  int64 // most bytes all filters together may output
	used   int64 // bytes output so far
	err    error // why decoding stopped; nil while within the budget
}

func newBudget(stream, total int64) *budget {
	return &budget{stream: stream, total: total}
}

// room is how many bytes the next filter may output.
func (b *budget) room() int64 {
	return max(0, min(b.stream, b.total-b.used))
}

// spend records n bytes of filter output.
func (b *budget) spend(n int) {
	b.used += int64(n)
}

// exceed records that a filter wanted more than room() bytes and returns
// the error that stops the document, naming the cap that was reached.
func (b *budget) exceed() error {
	if b.err != nil {
		return b.err
	}
	if b.total-b.used < b.stream {
		b.err = fmt.Errorf("streams decode to more than %d bytes in all, the limit per document", b.total)
	} else {
		b.err = fmt.Errorf("a stream decodes to more than %d bytes, the limit per stream", b.stream)
	}
	return b.err
}

// exceedPage records that one page's content streams together decode to
// more than the per-stream cap (the spec treats them as one stream).
func (b *budget) exceedPage() error {
	if b.err == nil {
		b.err = fmt.Errorf("content streams decode to more than %d bytes, the limit per page", b.stream)
	}
	return b.err
}
