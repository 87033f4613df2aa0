package cli

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/demo"
	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/store"
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
	sum, err := loadDemo(ctx, env, cfg, st)
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

// loadDemo imports the sample data into st and audits it as one import by
// the command line, as `tipster import` of the sample files would be but in
// one entry. On failure the files before the one that failed stay imported,
// and the entry counts them.
func loadDemo(ctx context.Context, env *Env, cfg config.Config, st store.Store) (ingest.Summary, error) {
	audit, err := newCLIAudit(env, cfg, st)
	if err != nil {
		return ingest.Summary{}, err
	}
	sum, err := demo.Load(ctx, st)
	e := auth.Entry{Action: auth.ActionImport, Target: demoSource(), Outcome: auth.OutcomeOK, Detail: auditCounts(sum)}
	if err != nil {
		e.Outcome, e.Detail = auth.OutcomeFailed, "the files before the one that failed were imported: "+e.Detail
	}
	audit.svc.Audit(ctx, audit.by, e)
	return sum, err
}

// demoSource names the sample data in the audit log.
func demoSource() string {
	names := make([]string, len(demo.Files))
	for i, f := range demo.Files {
		names[i] = path.Base(f)
	}
	return "tipster demo samples: " + strings.Join(names, ", ")
}
