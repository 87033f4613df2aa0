package offline

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tipster-cti/tipster/internal/extract"
)

func TestFixSpelling(t *testing.T) {
	lex := extract.NewLexicon([]extract.Term{{ID: "malware--1", Kind: "malware", Name: "Wich"}})
	tests := []struct {
		name, in, want string
	}{
		{"a misspelling from the list is corrected", "We recieved the file.", "We received the file."},
		{"a capitalised misspelling keeps its capital", "Seperate hosts were hit.", "Separate hosts were hit."},
		{"letters swapped are put back when one word fits", "They were preforming discovery.", "They were performing discovery."},
		{"a doubled word is removed", "It dropped the the loader.", "It dropped the loader."},
		{"a doubled word before punctuation is removed", "It dropped a loader loader.", "It dropped a loader."},
		{"a repetition that English allows is kept", "The host that had had the loader.", "The host that had had the loader."},
		{"two spaces between words become one", "It dropped  a loader.", "It dropped a loader."},
		{"a space before a comma is removed", "In the file , it hides.", "In the file, it hides."},
		{"a sentence begins with a capital", "It ran. then it stopped.", "It ran. Then it stopped."},
		{"no capital follows an abbreviation", "Tools, e.g. loaders, ran.", "Tools, e.g. loaders, ran."},
		{"no capital follows an initialism", "Made by E.K.P. used as a lure.", "Made by E.K.P. used as a lure."},
		{"no capital after a line broken inside a paragraph", "It ends with Up.\nwhen it ends", "It ends with Up.\nwhen it ends"},
		{"the pronoun i is capitalised in prose", "They said i was right.", "They said I was right."},
		{"a loop variable named i is left alone", "Dim i As Integer\nNext i", "Dim i As Integer\nNext i"},
		{"a domain is never changed", "It beacons to recieve.com daily.", "It beacons to recieve.com daily."},
		{"a hash is never changed", "Hash d41d8cd98f00b204e9800998ecf8427e  recieved.", "Hash d41d8cd98f00b204e9800998ecf8427e received."},
		{"an ATT&CK id is never changed", "See T1059.001 and t1059.", "See T1059.001 and t1059."},
		{"a quoted string is never changed", `The string "wich recieve" was found.`, `The string "wich recieve" was found.`},
		{"inline code is never changed", "Run `teh  recieve` now.", "Run `teh  recieve` now."},
		{"a command line is never changed", "net user /add recieve  x", "net user /add recieve  x"},
		{"a name the knowledge base knows is never changed", "Wich was used.", "Wich was used."},
		{"aligned columns keep their spaces", "name   value\nfoo    bar", "name   value\nfoo    bar"},
		{"an identifier with inner capitals is never changed", "It calls GetSytem.", "It calls GetSytem."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := fixSpelling(tc.in, lex)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("fixSpelling(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestFixSpellingReportsEachEditWithItsSpan(t *testing.T) {
	in := "We recieved the the file."
	_, edits := fixSpelling(in, nil)
	want := []Edit{
		{Start: 3, End: 11, Old: "recieved", New: "received", Why: WhyMisspelling},
		{Start: 15, End: 19, Old: " the", New: "", Why: WhyDoubled},
	}
	if diff := cmp.Diff(want, edits); diff != "" {
		t.Errorf("edits (-want +got):\n%s", diff)
	}
}

func TestMisspellingListAgreesWithTheWordList(t *testing.T) {
	for wrong, right := range misspellings() {
		if isWord(wrong) {
			t.Errorf("misspelling %q is an English word", wrong)
		}
		for w := range strings.FieldsSeq(right) {
			if !isWord(w) {
				t.Errorf("correction %q of %q is not in the word list", w, wrong)
			}
		}
	}
}
