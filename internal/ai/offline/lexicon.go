package offline

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// LexiconTypes are the STIX types whose names and aliases BuildLexicon
// reads. Courses of action are left out: their names ("Audit", "User
// Training") are ordinary phrases that would be found everywhere.
var LexiconTypes = []string{
	"attack-pattern", "x-mitre-tactic", "malware", "tool",
	"intrusion-set", "threat-actor", "campaign",
}

// attackID matches ATT&CK ids: techniques, tactics, software, groups,
// campaigns and mitigations.
var attackID = regexp.MustCompile(`^(T\d{4}(\.\d{3})?|TA\d{4}|[SGCM]\d{4})$`)

// BuildLexicon reads the names and aliases of every visible object of the
// LexiconTypes (revoked and deprecated ones excepted) and returns a
// lexicon that finds them in text, with their ATT&CK ids.
func BuildLexicon(ctx context.Context, st store.Store, v store.Viewer) (*extract.Lexicon, error) {
	terms, err := lexiconTerms(ctx, st, v)
	if err != nil {
		return nil, err
	}
	return extract.NewLexicon(terms), nil
}

// lexiconTerms returns the terms of BuildLexicon.
func lexiconTerms(ctx context.Context, st store.Store, v store.Viewer) ([]extract.Term, error) {
	var terms []extract.Term
	q := store.Query{Types: LexiconTypes, Limit: 1000}
	for {
		page, err := st.Search(ctx, v, q)
		if err != nil {
			return nil, fmt.Errorf("offline: read names for the lexicon: %w", err)
		}
		for _, o := range page.Objects {
			terms = append(terms, termsOf(o)...)
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	return terms, nil
}

// termsOf returns a term per name and alias of o, none when it is
// deprecated.
func termsOf(o *store.Stored) []extract.Term {
	if o.Name == "" || deprecated(o.Raw) {
		return nil
	}
	ext := attackIDOf(o.Object)
	terms := []extract.Term{{ID: string(o.ID), Kind: o.Type, Name: o.Name, ExternalID: ext}}
	for _, a := range o.Aliases {
		if a != o.Name {
			terms = append(terms, extract.Term{ID: string(o.ID), Kind: o.Type, Name: a, ExternalID: ext})
		}
	}
	return terms
}

// attackIDOf returns the object's ATT&CK id, "" when it has none.
func attackIDOf(o *stix.Object) string {
	for _, id := range o.ExternalIDs {
		if attackID.MatchString(id) {
			return id
		}
	}
	return ""
}

func deprecated(raw []byte) bool {
	var d struct {
		Deprecated bool `json:"x_mitre_deprecated"`
	}
	return json.Unmarshal(raw, &d) == nil && d.Deprecated
}

// LexiconCache keeps one lexicon per clearance level for a store and
// rebuilds it when the number of visible named objects changes or when
// it is older than MaxAge. It is safe for concurrent use.
type LexiconCache struct {
	st store.Store
	// MaxAge bounds how long a lexicon is used without being rebuilt
	// (an edited alias does not change the count); default 10 minutes.
	MaxAge time.Duration
	// CheckEvery is how often the count of named objects is compared,
	// default 5 seconds; between checks the lexicon is used as is.
	CheckEvery time.Duration

	mu      sync.Mutex
	entries map[stix.TLP]*lexEntry
}

type lexEntry struct {
	lex     *extract.Lexicon
	count   int
	built   time.Time
	checked time.Time
}

// NewLexiconCache returns an empty cache over st.
func NewLexiconCache(st store.Store) *LexiconCache {
	return &LexiconCache{st: st, MaxAge: 10 * time.Minute, CheckEvery: 5 * time.Second,
		entries: map[stix.TLP]*lexEntry{}}
}

// Get returns the lexicon of what v may read, building it when missing
// or stale. Viewers of one clearance level share a lexicon.
func (c *LexiconCache) Get(ctx context.Context, v store.Viewer) (*extract.Lexicon, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	e := c.entries[v.Clearance]
	if e != nil && now.Sub(e.built) < c.MaxAge && now.Sub(e.checked) < c.CheckEvery {
		return e.lex, nil
	}
	n, err := c.namedCount(ctx, v)
	if err != nil {
		return nil, err
	}
	if e != nil && n == e.count && now.Sub(e.built) < c.MaxAge {
		e.checked = now
		return e.lex, nil
	}
	lex, err := BuildLexicon(ctx, c.st, v)
	if err != nil {
		return nil, err
	}
	c.entries[v.Clearance] = &lexEntry{lex: lex, count: n, built: now, checked: now}
	return lex, nil
}

// namedCount is the number of visible objects of the lexicon's types.
func (c *LexiconCache) namedCount(ctx context.Context, v store.Viewer) (int, error) {
	counts, err := c.st.Count(ctx, v)
	if err != nil {
		return 0, fmt.Errorf("offline: count named objects: %w", err)
	}
	n := 0
	for _, t := range LexiconTypes {
		n += counts[t]
	}
	return n, nil
}
