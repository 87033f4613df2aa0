package offline

import (
	_ "embed"
	"strings"
	"sync"
)

// The English word list is SCOWL's american-english as Debian's wamerican
// package 2020.12.07-2 ships it, less the words with an apostrophe; its
// copyright notice is words/american-english.COPYRIGHT. The misspellings
// were written for Tipster.
var (
	//go:embed words/american-english.txt
	wordsTxt string
	//go:embed words/misspellings.txt
	misspellingsTxt string
)

// dictionary holds the English words, each in lower case, and the words
// that the list writes with a capital (names such as "Microsoft").
type dictionary struct {
	lower  map[string]bool // every word, lower-cased
	proper map[string]bool // words listed only with a capital, lower-cased
}

// words returns the embedded dictionary, read once.
var words = sync.OnceValue(func() dictionary {
	d := dictionary{lower: make(map[string]bool, 75000), proper: make(map[string]bool, 20000)}
	common := map[string]bool{}
	for line := range strings.Lines(wordsTxt) {
		w := strings.TrimSpace(line)
		if w == "" {
			continue
		}
		l := strings.ToLower(w)
		d.lower[l] = true
		if w == l {
			common[l] = true
		} else {
			d.proper[l] = true
		}
	}
	for w := range common {
		delete(d.proper, w)
	}
	return d
})

// misspellings returns the curated misspellings and their corrections.
var misspellings = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for line := range strings.Lines(misspellingsTxt) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if wrong, right, ok := strings.Cut(line, " "); ok {
			m[wrong] = strings.TrimSpace(right)
		}
	}
	return m
})

// isWord reports whether w, in any case, is an English word.
func isWord(w string) bool { return words().lower[strings.ToLower(w)] }

// isCommonWord reports whether w is an English word written in lower case
// (not only a name).
func isCommonWord(w string) bool {
	l := strings.ToLower(w)
	d := words()
	return d.lower[l] && !d.proper[l]
}
