package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/tipster-cti/tipster/internal/export"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

func init() {
	register("export", "write a STIX 2.1 bundle of an object and what it needs", runExport)
	register("search", "full-text search of the knowledge base", runSearch)
	register("show", "show an object with its relationships and containers", runShow)
}

func runExport(ctx context.Context, env *Env, args []string) error {
	f := newFlags(env, "export", "ID", storeSettings...)
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() != 1 {
		f.Usage()
		return errUsage
	}
	cfg := f.config(env)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	audit, err := newCLIAudit(env, cfg, st)
	if err != nil {
		return err
	}
	root := stix.ID(f.Arg(0))
	objs, err := export.Closure(ctx, st, store.LocalAdmin, root)
	// Audited before writing, as the API audits before sending: a reader
	// that closes the pipe early (| head) ends the process while it writes.
	audit.export(ctx, root, len(objs), err)
	if err != nil {
		return err
	}
	return export.WriteBundle(env.Stdout, objs)
}

func runSearch(ctx context.Context, env *Env, args []string) error {
	f := newFlags(env, "search", "QUERY", storeSettings...)
	typ := f.String("type", "", "only objects of these types, comma-separated (e.g. malware,tool)")
	asJSON := f.Bool("json", false, "print the matching objects as a JSON array")
	limit := f.Int("limit", 20, "most results, 1 to 1000")
	if err := f.parse(args); err != nil {
		return err
	}
	if *limit < 1 || *limit > 1000 {
		return fmt.Errorf("--limit %d: want a number from 1 to 1000", *limit)
	}
	q := store.Query{Text: strings.Join(f.Args(), " "), Limit: *limit}
	if *typ != "" {
		q.Types = strings.Split(*typ, ",")
	}
	st, err := openStore(ctx, f.config(env))
	if err != nil {
		return err
	}
	defer st.Close()
	page, err := st.Search(ctx, store.LocalAdmin, q)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]json.RawMessage, len(page.Objects))
		for i, o := range page.Objects {
			out[i] = o.Raw
		}
		return json.NewEncoder(env.Stdout).Encode(out)
	}
	if len(page.Objects) == 0 {
		fmt.Fprintln(env.Stdout, "no match")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tNAME\tTLP\tID")
	for _, o := range page.Objects {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Type, clip(displayName(o.Object), 60), o.EffectiveTLP, o.ID)
	}
	return tw.Flush()
}

func runShow(ctx context.Context, env *Env, args []string) error {
	f := newFlags(env, "show", "ID", storeSettings...)
	asJSON := f.Bool("json", false, "print the object's JSON only")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() != 1 {
		f.Usage()
		return errUsage
	}
	st, err := openStore(ctx, f.config(env))
	if err != nil {
		return err
	}
	defer st.Close()
	v, id := store.LocalAdmin, stix.ID(f.Arg(0))
	o, err := st.Get(ctx, v, id)
	if err != nil {
		return err
	}
	if *asJSON {
		_, err := fmt.Fprintln(env.Stdout, string(o.Raw))
		return err
	}
	return printObject(ctx, env, st, v, o)
}

func printObject(ctx context.Context, env *Env, st store.Store, v store.Viewer, o *store.Stored) error {
	w := env.Stdout
	fmt.Fprintf(w, "%s  %s\n", o.Type, printable(displayName(o.Object)))
	fmt.Fprintf(w, "id        %s\n", o.ID)
	fmt.Fprintf(w, "tlp       %s (effective %s)\n", o.TLP, o.EffectiveTLP)
	if !o.Created.IsZero() {
		fmt.Fprintf(
			w,
			"created   %s   modified %s\n",
			o.Created.Format("2006-01-02"),
			o.Version().Format("2006-01-02"),
		)
	}
	if len(o.Aliases) > 0 {
		fmt.Fprintf(w, "aliases   %s\n", printable(strings.Join(o.Aliases, ", ")))
	}
	if len(o.ExternalIDs) > 0 {
		fmt.Fprintf(w, "ids       %s\n", printable(strings.Join(o.ExternalIDs, ", ")))
	}
	if o.Description != "" {
		fmt.Fprintf(w, "\n%s\n", clip(o.Description, 1200))
	}
	rels, err := st.Relationships(ctx, v, o.ID)
	if err != nil {
		return err
	}
	if len(rels) > 0 {
		fmt.Fprintf(w, "\nrelationships (%d)\n", len(rels))
	}
	for i, r := range rels {
		if i == 30 {
			fmt.Fprintf(w, "  … %d more\n", len(rels)-30)
			break
		}
		fmt.Fprintf(w, "  %s —%s→ %s\n", endName(r.Source), r.RelationshipType, endName(r.Target))
	}
	cs, err := st.Containers(ctx, v, o.ID)
	if err != nil {
		return err
	}
	for _, c := range cs {
		fmt.Fprintf(w, "in %s %q %s\n", c.Type, printable(c.Name), c.ID)
	}
	if stix.IsContainer(o.Type) {
		items, err := st.Contents(ctx, v, o.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\ncontains %d objects\n", len(items))
	}
	return nil
}

func endName(o *store.Stored) string {
	if o == nil {
		return "?"
	}
	return o.Type + " " + printable(displayName(o.Object))
}

// displayName is a name for any object: its name, or an observable's value.
func displayName(o *stix.Object) string {
	if o.Name != "" {
		return o.Name
	}
	var v struct {
		Value   string `json:"value"`
		Pattern string `json:"pattern"`
		Key     string `json:"key"`
	}
	json.Unmarshal(o.Raw, &v)
	for _, s := range []string{v.Value, v.Pattern, v.Key} {
		if s != "" {
			return s
		}
	}
	return string(o.ID)
}

// printable drops what a terminal would obey instead of show: control
// characters (escape sequences) and the bidirectional overrides that make
// "evil\u202etxt.exe" read as "evilexe.txt". Newlines and tabs stay.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			return -1
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			return -1
		}
		return r
	}, s)
}

func clip(s string, n int) string {
	s = printable(s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
