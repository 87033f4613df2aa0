package cli

import (
	"context"
	"fmt"

	"github.com/tipster-cti/tipster/internal/demo"
)

func init() {
	register("demo", "load real sample intelligence and start the server", runDemo)
}

func runDemo(ctx context.Context, env *Env, args []string) error {
	f := newFlags(env, "demo", "", serveSettings...)
	if err := f.parse(args); err != nil {
		return err
	}
	cfg := f.config(env)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintln(
		env.Stdout,
		"Loading sample intelligence: OASIS APT1 and Poison Ivy reports, MITRE ATT&CK for ICS v14...",
	)
	sum, err := demo.Load(ctx, st)
	st.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(
		env.Stdout,
		"  %d objects created, %d already present, in %s\n",
		sum.Created+sum.Updated,
		sum.Unchanged,
		sum.Duration.Round(1e6),
	)
	fmt.Fprintf(env.Stdout, "  data directory: %s\n", cfg.Get("APP__DATA_DIR"))
	return serve(ctx, env, cfg, true)
}
