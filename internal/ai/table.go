package ai

import (
	"fmt"
	"html"
	"sort"
	"strings"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// indicatorRow is one line of a report's indicator table.
type indicatorRow struct {
	Type  string // "indicator", "ipv4-addr", "file (SHA-256)"…
	Value string
	ID    stix.ID
}

// indicatorRows lists the indicators and observables among a container's
// objects, read from the store: the table is never written by the model.
func indicatorRows(items []*store.Stored) []indicatorRow {
	var rows []indicatorRow
	for _, o := range items {
		if o.Type != "indicator" && !stix.IsObservable(o.Type) {
			continue
		}
		f := readObservable(o)
		switch {
		case o.Type == "indicator" && f.Pattern != "":
			rows = append(rows, indicatorRow{"indicator", f.Pattern, o.ID})
		case len(f.Hashes) > 0:
			for _, alg := range sortedKeys(f.Hashes) {
				rows = append(rows, indicatorRow{o.Type + " (" + alg + ")", f.Hashes[alg], o.ID})
			}
		default:
			rows = append(rows, indicatorRow{o.Type, displayName(o), o.ID})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Type != rows[j].Type {
			return rows[i].Type < rows[j].Type
		}
		return rows[i].Value < rows[j].Value
	})
	return rows
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// renderTable writes the indicator table in the answer's format, "" when
// there are no indicators.
func renderTable(rows []indicatorRow, f Format) string {
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	switch f {
	case Markdown:
		b.WriteString("\n\n## Indicators\n\n| Type | Value | STIX id |\n|---|---|---|\n")
		for _, r := range rows {
			fmt.Fprintf(
				&b,
				"| %s | `%s` | %s |\n",
				mdCell(r.Type),
				strings.ReplaceAll(r.Value, "`", "'"),
				r.ID,
			)
		}
	case HTML:
		b.WriteString(
			"\n<h2>Indicators</h2>\n<table>\n<tr><th>Type</th><th>Value</th><th>STIX id</th></tr>\n",
		)
		for _, r := range rows {
			fmt.Fprintf(&b, "<tr><td>%s</td><td><code>%s</code></td><td>%s</td></tr>\n",
				html.EscapeString(r.Type), html.EscapeString(r.Value), html.EscapeString(string(r.ID)))
		}
		b.WriteString("</table>\n")
	default:
		b.WriteString("\n\nIndicators\n\n")
		for _, r := range rows {
			fmt.Fprintf(&b, "%-22s %s  (%s)\n", r.Type, r.Value, r.ID)
		}
	}
	return b.String()
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
