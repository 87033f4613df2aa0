package offline

import (
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
