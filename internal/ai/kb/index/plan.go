package index

import "strings"

// Source is an object as the passage cutter reads it from the objects
// table of a store.
type Source struct {
	Seq         int64
	ID          string
	Type        string
	Name        string
	Aliases     []string
	Description string
	Document    string // a report's document text
	Raw         []byte
	Fingerprint string // see the stores' stale queries
	Level       int    // objects.eff_tlp
}

// SplitAliases reads the newline-separated aliases column.
func SplitAliases(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Row is one passage as written: Text is stored and shown, Head (names,
// aliases and ids, ord 0 only) and Body are indexed.
type Row struct {
	Ord  int
	Text string
	Head string
	Body string
}

// Stored is a passage already in the index.
type Stored struct {
	ID   int64
	Ord  int
	Text string
}

// Put is a passage to write: a new one when ID is 0, else a changed one
// whose vectors must go.
type Put struct {
	ID  int64
	Row Row
}

// Changes are what one object's passages need.
type Changes struct {
	Puts    []Put
	Deletes []int64 // passages the object no longer has
}

// Lookup returns the stored object with a given id (Name, Type and Raw
// set), false when none is stored.
type Lookup func(id string) (Source, bool)

// Cutter cuts objects into passages within one sync batch, remembering
// the names of objects that relationships point to.
type Cutter struct {
	lookup Lookup
	names  map[string][2]string // id -> name, type
}

// NewCutter returns a cutter resolving references with lookup.
func NewCutter(lookup Lookup) *Cutter {
	return &Cutter{lookup: lookup, names: map[string][2]string{}}
}

// Plan cuts src and compares the result with its stored passages, keeping
// the rows (and so the vectors) of passages whose text did not change.
func (c *Cutter) Plan(src Source, old []Stored) Changes {
	byOrd := map[int]Stored{}
	for _, o := range old {
		byOrd[o.Ord] = o
	}
	var rows []Row
	if !skipTypes[src.Type] {
		rows = rowsOf(cutOf(src, c.name))
	}
	var ch Changes
	for _, r := range rows {
		o, had := byOrd[r.Ord]
		delete(byOrd, r.Ord)
		if had && o.Text == r.Text {
			continue
		}
		ch.Puts = append(ch.Puts, Put{ID: o.ID, Row: r})
	}
	for _, o := range byOrd {
		ch.Deletes = append(ch.Deletes, o.ID)
	}
	return ch
}

// name returns the display name and type of an object a relationship
// points to; its id when it is not stored.
func (c *Cutter) name(id string) (string, string) {
	if n, ok := c.names[id]; ok {
		return n[0], n[1]
	}
	name, typ := id, idType(id)
	if s, ok := c.lookup(id); ok {
		name, typ = s.Name, s.Type
		if name == "" {
			s.ID = id
			name = titleOf(s, extrasOf(s.Raw), nil)
			name = name[:len(name)-len(" ("+typ+")")]
		}
	}
	c.names[id] = [2]string{name, typ}
	return name, typ
}

// QuoteTerms returns at most MaxTerms of terms with their double quotes
// removed, empty ones left out, for the stores' full-text queries.
func QuoteTerms(terms []string) []string {
	var q []string
	for _, t := range terms {
		t = strings.ReplaceAll(t, `"`, "")
		if t != "" && len(q) < MaxTerms {
			q = append(q, t)
		}
	}
	return q
}
