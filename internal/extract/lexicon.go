package extract

import (
	"strings"
	"sync"
	"unicode"
)

// Term is one name (or alias) of a knowledge-base object to look for. A
// term is given per name and per alias; terms sharing an ID are one
// entity, and the first one's Name is the canonical name.
type Term struct {
	ID         string // STIX id, e.g. attack-pattern--…; may be empty
	Kind       string // STIX type: attack-pattern, x-mitre-tactic, malware, tool, intrusion-set, …
	Name       string // the name or alias to match
	ExternalID string // e.g. T1059.001, TA0002, S0154, G0006; may be empty
}

// Entity is one knowledge-base object named in a text.
type Entity struct {
	ID         string   // STIX id, "" for pattern-only and embedded-list matches
	Kind       string   // STIX type; "location" and "identity-sector" for the embedded lists
	Name       string   // canonical name; "" for an ATT&CK id not in the lexicon
	ExternalID string   // ATT&CK id when known
	Matched    []string // distinct surface forms seen, in order
	Spans      []Span   // every occurrence, in text order, at most MaxSpans
}

// Lexicon matches names in text. It is immutable and safe for concurrent
// use. The zero of *Lexicon (nil) matches only ATT&CK ids by pattern and
// the embedded lists of countries and sectors.
//
// Names are split into tokens (runs of letters and digits) and looked up
// as n-grams by hash, longest first, so the cost per token does not grow
// with the number of terms. Matching ignores case, except for ambiguous
// names, which must match exactly or in all capitals: names of three
// letters or digits or fewer, names that are a single common English word
// ("Bread", "Royal", "Impact"), and place names. An ambiguous name with no
// capital letter or digit ("at", "zen") is never matched.
type Lexicon struct {
	canon   []Term             // one per entity, in the order first given
	entries map[uint64][]entry // n-gram hash → names
	first   map[uint64]bool    // hashes of first tokens
	byExtID map[string]int     // upper-case external id → canon index
	maxN    int
}

// entry is one name of an entity.
type entry struct {
	words []string // the name's tokens as written
	exact bool     // match case-sensitively (or all capitals)
	canon int
}

// maxNameTokens bounds the tokens in a name; longer names are ignored.
const maxNameTokens = 8

// NewLexicon builds a lexicon from terms plus the embedded lists of
// countries (kind "location") and industry sectors ("identity-sector").
// Terms with an empty Name and no ExternalID are ignored.
func NewLexicon(terms []Term) *Lexicon {
	l := &Lexicon{
		entries: make(map[uint64][]entry),
		first:   make(map[uint64]bool),
		byExtID: make(map[string]int),
	}
	ids := make(map[string]int)
	for _, g := range embeddedTerms() {
		l.add(ids, g.Term, g.Kind+"\x00"+g.canon, g.canon)
	}
	for _, t := range terms {
		key := t.ID
		if key == "" {
			key = t.Kind + "\x00" + t.Name + "\x00" + t.ExternalID
		}
		l.add(ids, t, key, t.Name)
	}
	return l
}

// add indexes t under the entity whose grouping key is key, creating the
// entity (named canonName) on first sight.
func (l *Lexicon) add(ids map[string]int, t Term, key, canonName string) {
	if t.Name == "" && t.ExternalID == "" {
		return
	}
	c, ok := ids[key]
	if !ok {
		c = len(l.canon)
		ids[key] = c
		canon := t
		canon.Name = canonName
		l.canon = append(l.canon, canon)
	}
	if ext := strings.ToUpper(t.ExternalID); ext != "" {
		if _, dup := l.byExtID[ext]; !dup {
			l.byExtID[ext] = c
		}
	}
	if t.Name != "" {
		l.addName(t, c)
	}
}

// addName indexes one name of canon entity c.
func (l *Lexicon) addName(t Term, c int) {
	var words []string
	var h uint64
	tokenize(t.Name, func(tk token) {
		words = append(words, t.Name[tk.start:tk.end])
		if len(words) == 1 {
			h = tk.h
		} else {
			h = combine(h, tk.h)
		}
	})
	if len(words) == 0 || len(words) > maxNameTokens {
		return
	}
	exact := t.Kind == kindLocation || ambiguous(words)
	if exact && !hasUpperOrDigit(t.Name) {
		return
	}
	for _, e := range l.entries[h] {
		if e.canon == c && equalWords(e.words, words) {
			return
		}
	}
	first := hashWord(words[0])
	l.first[first] = true
	l.entries[h] = append(l.entries[h], entry{words: words, exact: exact, canon: c})
	l.maxN = max(l.maxN, len(words))
}

// ambiguous reports a name too short or too common to match in any case.
func ambiguous(words []string) bool {
	n := 0
	for _, w := range words {
		n += len([]rune(w))
	}
	return n <= 3 || (len(words) == 1 && commonWords()[strings.ToLower(words[0])])
}

func hasUpperOrDigit(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsUpper(r) || unicode.IsDigit(r) }) >= 0
}

func equalWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// defaultLexicon holds only the embedded lists.
var defaultLexicon = sync.OnceValue(func() *Lexicon { return NewLexicon(nil) })
