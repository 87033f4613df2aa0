package eval

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

// tally counts true positives, false positives and false negatives.
type tally struct{ tp, fp, fn int }

func (t *tally) addSets(got, want map[string]bool) {
	for v := range got {
		if want[v] {
			t.tp++
		} else {
			t.fp++
		}
	}
	for v := range want {
		if !got[v] {
			t.fn++
		}
	}
}

func (t tally) precision() string { return ratio(t.tp, t.tp+t.fp) }
func (t tally) recall() string    { return ratio(t.tp, t.tp+t.fn) }

// ratio formats a/b as a percentage, or "-" when b is zero.
func ratio(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}

// printTallies writes one row per key, sorted, and a total row.
func printTallies(w io.Writer, label string, ts map[string]*tally) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\tTP\tFP\tFN\tprecision\trecall\t\n", label)
	keys := make([]string, 0, len(ts))
	for k := range ts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sum tally
	for _, k := range keys {
		t := ts[k]
		sum.tp, sum.fp, sum.fn = sum.tp+t.tp, sum.fp+t.fp, sum.fn+t.fn
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t\n", k, t.tp, t.fp, t.fn, t.precision(), t.recall())
	}
	fmt.Fprintf(tw, "all\t%d\t%d\t%d\t%s\t%s\t\n", sum.tp, sum.fp, sum.fn, sum.precision(), sum.recall())
	tw.Flush()
}

// get returns the tally for key, creating it.
func get(ts map[string]*tally, key string) *tally {
	t, ok := ts[key]
	if !ok {
		t = &tally{}
		ts[key] = t
	}
	return t
}
