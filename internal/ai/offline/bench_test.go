package offline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/store"
)

// twentyPages is the three TRAM reports end to end: about 75 KB of
// prose, tables and command lines, a little over 20 pages.
func twentyPages(b *testing.B) string {
	return strings.Join([]string{
		tramText(b, "StopRansomware Royal Ransomware"),
		tramText(b, "Conti Ransomware"),
		tramText(b, "BumbleBee Roasts Its Way to Domain Admin"),
	}, "\n\n")
}

// BenchmarkRun20Pages runs each operation on a 20-page report through
// Engine.Run, lexicon already cached, as Ask AI would.
func BenchmarkRun20Pages(b *testing.B) {
	e := New(testKB(b))
	text := twentyPages(b)
	tasks := []struct {
		name string
		task ai.Task
	}{
		{"summarize", ai.Task{Operation: ai.Summarize}},
		{"shorter", ai.Task{Operation: ai.Shorter}},
		{"longer", ai.Task{Operation: ai.Longer}},
		{"explain", ai.Task{Operation: ai.Explain}},
		{"fix-spelling", ai.Task{Operation: ai.FixSpelling}},
		{"change-tone-strategic", ai.Task{Operation: ai.ChangeTone, Audience: ai.Strategic}},
		{"change-tone-tactical", ai.Task{Operation: ai.ChangeTone, Audience: ai.Tactical}},
		{"change-tone-operational", ai.Task{Operation: ai.ChangeTone, Audience: ai.Operational}},
		{"report", ai.Task{Operation: ai.Report}},
	}
	for _, tc := range tasks {
		b.Run(tc.name, func(b *testing.B) {
			tc.task.Content = text
			tc.task.Format = ai.Markdown
			tc.task.Viewer = store.LocalAdmin
			if _, err := e.Run(ctx, tc.task, nil); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(text)))
			b.ResetTimer()
			for b.Loop() {
				if _, err := e.Run(ctx, tc.task, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuildLexicon reads every name of the test knowledge base
// (ATT&CK ICS and Mobile, APT1, Poison Ivy) into a lexicon.
func BenchmarkBuildLexicon(b *testing.B) {
	st := testKB(b)
	for b.Loop() {
		if _, err := BuildLexicon(ctx, st, store.LocalAdmin); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkShorterScales runs shorter on the 20-page report repeated to
// 1 MB and to 4 MB, as written and run into one line (pasted text that
// lost its line breaks). Its bytes per second should be about the same at
// both sizes: it fell fourfold per doubling while shorter rebuilt the
// growing line at every sentence.
func BenchmarkShorterScales(b *testing.B) {
	e := New(testKB(b))
	page := twentyPages(b)
	for _, shape := range []struct {
		name string
		text string
	}{{"lines", page}, {"one-line", strings.Join(strings.Fields(page), " ")}} {
		for _, size := range []int{1 << 20, 4 << 20} {
			text := repeatTo(shape.text, size)
			b.Run(fmt.Sprintf("%s/%dKB", shape.name, size>>10), func(b *testing.B) {
				task := ai.Task{Operation: ai.Shorter, Content: text, Viewer: store.LocalAdmin}
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					if _, err := e.Run(ctx, task, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// repeatTo repeats text, separated by a space, until it holds n bytes.
func repeatTo(text string, n int) string {
	var sb strings.Builder
	for sb.Len() < n {
		sb.WriteString(text)
		sb.WriteString(" ")
	}
	return sb.String()
}
