package postgres

import (
	"strings"
	"testing"
)

func TestIndexText(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"identifiers joined by punctuation split into the words a query holds",
			"T1059.001 and example.com", "T1059 001 and example com"},
		{"letters of any script and digits are kept", "Ünïcode 中文 APT1", "Ünïcode 中文 APT1"},
		{"text holding no word becomes blanks", `") :*`, "     "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := indexText(c.in, 100); got != c.want {
				t.Errorf("indexText(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestIndexTextCutsLongTextAtAWordBoundary(t *testing.T) {
	long := strings.Repeat("spearphishing ", 100)
	got := indexText(long, 100)
	if len(got) > 100 || !strings.HasSuffix(got, "spearphishing ") {
		t.Errorf("cut text has %d bytes and ends %q", len(got), got[len(got)-20:])
	}
}

func TestTsQuery(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"one word matches as a prefix", "spearphish", "'spearphish':*"},
		{"all words must match and only the last is a prefix", "comment crew", "'comment' & 'crew':*"},
		{"query syntax is dropped, leaving only words", `") OR name:* NOT "`, "'OR' & 'name' & 'NOT':*"},
		{"dotted identifiers become the words the index holds", "T1059.001", "'T1059' & '001':*"},
		{"text without words gives no query", " :*& ", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := tsQuery(c.in); got != c.want {
				t.Errorf("tsQuery(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestIndexTextKeepsTheStartOfOneLongWord(t *testing.T) {
	long := strings.Repeat("é", 80) // 160 bytes, no space
	got := indexText(long, 101)
	if got != strings.Repeat("é", 50) {
		t.Errorf("one long word cut to %d bytes: %q", len(got), got)
	}
}
