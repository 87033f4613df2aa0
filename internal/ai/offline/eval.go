package offline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/store"
)

// Evaluate measures the engine on the annotated reports under dataDir,
// laid out as Tipster's shared data folder: TRAM's reports (tram/mjson)
// and the AnnoCTR test split (annoctr/). The knowledge base is built in
// a temporary folder from the ATT&CK and cti-documentation bundles found
// there. It prints, per data set: the share of annotated techniques,
// malware, groups and tools that the summary names (with the knowledge
// base, and with one that knows every annotated name), the length ratio
// of shorter, and the fix-spelling edits, of which none may touch an
// indicator or an id. A missing data set is reported and skipped.
func Evaluate(w io.Writer, dataDir string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tipster-eval-offline-")
	if err != nil {
		return fmt.Errorf("offline: temporary knowledge base: %w", err)
	}
	defer os.RemoveAll(dir)
	st, used, err := openEvalKB(ctx, dir, dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	terms, err := lexiconTerms(ctx, st, store.LocalAdmin)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "knowledge base: %s (%d names)\n\n", strings.Join(used, ", "), len(terms))
	sets := []struct {
		name, need string
		load       func(string) ([]evalDoc, error)
	}{
		{"tram", "tram/mjson", loadTRAM},
		{"annoctr", "annoctr", loadAnnoCTR},
	}
	for _, s := range sets {
		fmt.Fprintf(w, "== %s\n", s.name)
		path := filepath.Join(dataDir, s.need)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(w, "skipped: %s not found\n\n", s.need)
			continue
		}
		docs, err := s.load(path)
		if err != nil {
			return err
		}
		evalSet(w, docs, terms)
	}
	return nil
}

// coverage counts annotated items of one kind.
type coverage struct {
	total, inText, inSummary, inOracle int
}

// evalKinds are the kinds of annotated entity, in the order printed.
var evalKinds = []string{"technique", "malware", "group", "tool"}

// stixKinds maps annotated kinds to the STIX types of an oracle lexicon.
var stixKinds = map[string]string{
	"technique": "attack-pattern",
	"malware":   "malware",
	"group":     "intrusion-set",
	"tool":      "tool",
}

// evalSet prints the figures of one data set.
func evalSet(w io.Writer, docs []evalDoc, terms []extract.Term) {
	lex := extract.NewLexicon(terms)
	cov := map[string]*coverage{}
	for _, k := range evalKinds {
		cov[k] = &coverage{}
	}
	var ratios []float64
	var sp spellingTally
	size := 0
	for _, d := range docs {
		size += len(d.text)
		summary := render(summarize(analyze(d.text, lex)), ai.Text)
		oracle := render(
			summarize(analyze(d.text, extract.NewLexicon(append(slices.Clip(terms), goldTerms(d)...)))),
			ai.Text,
		)
		text := d.text
		for kind, items := range d.gold {
			c := cov[kind]
			for _, it := range items {
				c.total++
				c.inText += b2i(mentions(text, it))
				c.inSummary += b2i(mentions(summary, it))
				c.inOracle += b2i(mentions(oracle, it))
			}
		}
		ratios = append(ratios, float64(len(shorterText(analyze(d.text, lex))))/float64(max(len(d.text), 1)))
		sp.add(d.text, lex)
	}
	fmt.Fprintf(w, "%d reports, %d KB of text\n", len(docs), size/1000)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(
		tw,
		"annotated\tdistinct per report\tnamed in the text\tnamed by the summary\tsummary, KB knowing every name\t",
	)
	for _, k := range evalKinds {
		if c := cov[k]; c.total > 0 {
			fmt.Fprintf(
				tw,
				"%s\t%d\t%s\t%s\t%s\t\n",
				k,
				c.total,
				pct(c.inText, c.total),
				pct(c.inSummary, c.total),
				pct(c.inOracle, c.total),
			)
		}
	}
	tw.Flush()
	fmt.Fprintf(
		w,
		"shorter: length ratio mean %.2f, min %.2f, max %.2f\n",
		mean(ratios),
		slices.Min(ratios),
		slices.Max(ratios),
	)
	sp.print(w)
	fmt.Fprintln(w)
}

// mentions reports whether text names the item, by its name as whole
// words in any case or by its exact ATT&CK id (T1078 is not named by
// T1078.002).
func mentions(text string, it goldItem) bool {
	if strings.Contains(normalise(text), normalise(it.name)) {
		return true
	}
	if it.id == "" {
		return false
	}
	for from := 0; ; {
		i := strings.Index(text[from:], it.id)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(it.id)
		before := i == 0 || !isASCIIAlnum(text[i-1])
		sub := end+1 < len(text) && text[end] == '.' && text[end+1] >= '0' && text[end+1] <= '9'
		if before && !sub && (end == len(text) || text[end] < '0' || text[end] > '9') {
			return true
		}
		from = end
	}
}

func isASCIIAlnum(c byte) bool { return isASCIILetter(c) || c >= '0' && c <= '9' }

// goldTerms are the annotated names of a report as lexicon terms.
func goldTerms(d evalDoc) []extract.Term {
	var out []extract.Term
	for kind, items := range d.gold {
		for _, it := range items {
			out = append(out, extract.Term{Kind: stixKinds[kind], Name: it.name, ExternalID: it.id})
		}
	}
	return out
}

// spellingTally counts fix-spelling's edits on real reports.
type spellingTally struct {
	edits, touching int
	byWhy           map[string]int
	words           int
}

// add runs fix-spelling on text and counts its edits and those that
// touch an indicator or an id-like token (a token with a digit, an
// underscore, a slash or a backslash).
func (s *spellingTally) add(text string, lex *extract.Lexicon) {
	if s.byWhy == nil {
		s.byWhy = map[string]int{}
	}
	_, edits := fixSpelling(text, lex)
	var guard spans
	for _, ind := range extract.Indicators(text) {
		guard = append(guard, ind.Spans...)
	}
	for _, t := range tokens(text) {
		if strings.ContainsFunc(
			text[t.start:t.end],
			func(r rune) bool { return unicode.IsDigit(r) || strings.ContainsRune(`_/\`, r) },
		) {
			guard = append(guard, extract.Span{Start: t.start, End: t.end})
		}
	}
	guard = guard.normalise()
	s.words += len(strings.Fields(text))
	for _, e := range edits {
		s.edits++
		s.byWhy[e.Why]++
		if guard.overlaps(e.Start, max(e.End, e.Start+1)) {
			s.touching++
		}
	}
}

func (s *spellingTally) print(w io.Writer) {
	var why []string
	for _, k := range slices.Sorted(maps.Keys(s.byWhy)) {
		why = append(why, fmt.Sprintf("%s %d", k, s.byWhy[k]))
	}
	fmt.Fprintf(w, "fix-spelling: %d edits in %d words (%s); edits touching an indicator or id: %d (%s)\n",
		s.edits, s.words, strings.Join(why, ", "), s.touching, pct(s.touching, max(s.edits, 1)))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func pct(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(d))
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(max(len(xs), 1))
}
