package cli

import (
	"context"
	"fmt"
	"sort"

	"github.com/tipster-cti/tipster/internal/store/migrate"
	"github.com/tipster-cti/tipster/internal/store/postgres"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

func init() {
	register("migrate", "copy an SQLite data directory into PostgreSQL and verify the counts", runMigrate)
}

func runMigrate(ctx context.Context, env *Env, args []string) error {
	f := newFlags(env, "migrate", "--from DIR --to postgres://...")
	from := f.String("from", "", "data directory of the SQLite store to copy")
	to := f.String("to", "", "PostgreSQL URL of the target database")
	if err := f.parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" || f.NArg() > 0 {
		f.Usage()
		return errUsage
	}
	src, err := sqlite.OpenExisting(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, *to)
	if err != nil {
		return fmt.Errorf("open %s: %w", redactURL(*to), err)
	}
	defer dst.Close()
	rep, err := migrate.Copy(ctx, src, dst, func(n int) {
		fmt.Fprintf(env.Stderr, "\rcopied %d objects", n)
	})
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(
		env.Stdout,
		"%d objects copied (%d created, %d updated, %d already there) and %d documents in %s\n",
		rep.Objects,
		rep.Created,
		rep.Updated,
		rep.Unchanged,
		rep.Documents,
		rep.Duration.Round(1e6),
	)
	types := make([]string, 0, len(rep.Counts))
	for t := range rep.Counts {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(env.Stdout, "  %-24s %d in both stores\n", t, rep.Counts[t])
	}
	if rep.TablesSkipped != "" {
		fmt.Fprintf(env.Stdout, "Users, sessions and audit records were not copied: %s.\n", rep.TablesSkipped)
	}
	if len(rep.Tables) > 0 {
		fmt.Fprintln(env.Stdout, "rows of the other tables:")
	}
	for _, t := range rep.Tables {
		fmt.Fprintf(env.Stdout, "  %-24s %d in both stores (%d copied, %d already there)\n", t.Name, t.Rows, t.Copied,
			t.Present)
	}
	fmt.Fprintln(env.Stdout, migrate.NotCopied)
	return nil
}
