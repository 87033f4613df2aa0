package offline

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"sentences end at a period before a capital", "It ran. It stopped.", []string{"It ran.", "It stopped."}},
		{"an abbreviation does not end a sentence", "Tools, e.g. Mimikatz, ran. Then it stopped.", []string{"Tools, e.g. Mimikatz, ran.", "Then it stopped."}},
		{"an initial does not end a sentence", "Written by J. Smith today.", []string{"Written by J. Smith today."}},
		{"a period inside a domain does not end a sentence", "It beacons to evil.com and stops.", []string{"It beacons to evil.com and stops."}},
		{"every line break ends a sentence", "First line\nsecond line.", []string{"First line", "second line."}},
		{"a closing quote stays with its sentence", `He said "stop." Then he left.`, []string{`He said "stop."`, "Then he left."}},
		{"list marks and emphasis are trimmed", "* **Key Points**\n- It ran.", []string{"Key Points", "It ran."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range splitSentences(tc.in) {
				got = append(got, tc.in[s.start:s.end])
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("splitSentences(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestSplitSentencesMarksHeadingsAndItems(t *testing.T) {
	in := "## Technical details\nInitial Access\n- Royal actors phish their victims.\nThey also buy access from brokers."
	var got []sentence
	for _, s := range splitSentences(in) {
		s.start, s.end = 0, 0
		got = append(got, s)
	}
	want := []sentence{
		{line: 0, heading: true},
		{line: 1, heading: true},
		{line: 2, item: true},
		{line: 3},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(sentence{})); diff != "" {
		t.Errorf("sentences (-want +got):\n%s", diff)
	}
}

func TestCentralityFavoursTheSentenceThatSharesMostWithTheOthers(t *testing.T) {
	text := "The loader injects code into explorer and contacts the server.\n" +
		"The loader was delivered by phishing.\n" +
		"Weather in the region was mild that week.\n" +
		"The injected code contacts the command server every hour.\n" +
		"Explorer hosts the injected code."
	sents := splitSentences(text)
	score := centrality(text, sents)
	best := 0
	for i := range score {
		if score[i] > score[best] {
			best = i
		}
	}
	if best != 0 {
		t.Errorf("most central sentence = %q, want the first", text[sents[best].start:sents[best].end])
	}
	if score[2] >= score[0] {
		t.Errorf("the off-topic sentence scores %.3f, not below the central one's %.3f", score[2], score[0])
	}
	again := centrality(text, sents)
	if diff := cmp.Diff(score, again); diff != "" {
		t.Errorf("centrality is not deterministic (-first +second):\n%s", diff)
	}
}
