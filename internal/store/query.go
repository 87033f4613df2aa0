package store

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// PageLimit returns the page size for a requested limit: 50 by default,
// at most 1000.
func PageLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 1000:
		return 1000
	}
	return n
}

// Cursor marks a position in a result list: the last row's sequence number
// and, for text searches, its relevance.
type Cursor struct {
	Seq  int64
	Rank float64
}

// After reports whether the row at c comes after the cursor cur in a
// ranked listing, ordered by rank and then newest first; every row comes
// after a nil cursor.
func (c Cursor) After(cur *Cursor) bool {
	return cur == nil || c.Rank > cur.Rank || (c.Rank == cur.Rank && c.Seq < cur.Seq)
}

// String encodes the cursor for a client; "" for the zero cursor.
func (c Cursor) String() string {
	if c.Seq == 0 {
		return ""
	}
	s := strconv.FormatInt(c.Seq, 10) + ":" + strconv.FormatFloat(c.Rank, 'g', -1, 64)
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// ParseCursor decodes a cursor given by a client; nil for "".
func ParseCursor(s string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: cursor is not one this server issued", ErrBadQuery)
	}
	seq, rank, ok := strings.Cut(string(b), ":")
	c := &Cursor{}
	var err1, err2 error
	c.Seq, err1 = strconv.ParseInt(seq, 10, 64)
	c.Rank, err2 = strconv.ParseFloat(rank, 64)
	// A server issues positive sequence numbers and ranks that are
	// tiers: whole numbers from 0. Anything else (NaN, infinities, 3.5, a
	// negative number) would be compared as no issued cursor is.
	if !ok || err1 != nil || err2 != nil || c.Seq <= 0 ||
		math.IsInf(c.Rank, 0) || c.Rank < 0 || c.Rank != math.Trunc(c.Rank) {
		return nil, fmt.Errorf("%w: cursor is not one this server issued", ErrBadQuery)
	}
	return c, nil
}

// ErrBadQuery reports a query the store cannot run, such as a forged cursor.
var ErrBadQuery = fmt.Errorf("bad query")

// MatchExpr turns free text typed by a user into a full-text expression that
// the backends' engines cannot misread: each word becomes a quoted term, all
// must match, and the last one matches as a prefix. It returns "" when the
// text holds no word.
func MatchExpr(text string) string {
	words := Words(text)
	if len(words) == 0 {
		return ""
	}
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	words[len(words)-1] += "*"
	return strings.Join(words, " ")
}

// Words splits text into the letters-and-digits words a full-text index
// holds, at most 16 of them.
func Words(text string) []string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > 16 {
		words = words[:16]
	}
	return words
}

// InOrder returns the objects of found (by sequence number) in the order of
// cs, leaving out those found lacks: how a backend hands back a page whose
// order it settled before reading the objects.
func InOrder(cs []Cursor, found map[int64]*Stored) []*Stored {
	out := make([]*Stored, 0, len(cs))
	for _, c := range cs {
		if o := found[c.Seq]; o != nil {
			out = append(out, o)
		}
	}
	return out
}
