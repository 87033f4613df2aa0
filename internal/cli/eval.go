package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tipster-cti/tipster/internal/ai/offline"
	"github.com/tipster-cti/tipster/internal/extract/eval"
)

func init() {
	register(
		"eval",
		"measure extraction and AI features on a labelled data set (see docs/benchmarks)",
		runEval,
	)
	evaluations["extract"] = eval.Run
	evaluations["offline"] = offline.Evaluate
}

// evaluations maps a name to a function that prints figures measured on
// the labelled data under a directory; each feature adds its own.
var evaluations = map[string]func(w io.Writer, dataDir string) error{}

func runEval(ctx context.Context, env *Env, args []string) error {
	names := make([]string, 0, len(evaluations))
	for n := range evaluations {
		names = append(names, n)
	}
	sort.Strings(names)
	f := newFlags(env, "eval", "("+strings.Join(names, "|")+") DATA_DIR")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() != 2 {
		f.Usage()
		return errUsage
	}
	run, ok := evaluations[f.Arg(0)]
	if !ok {
		return fmt.Errorf("no evaluation named %q (have %s)", f.Arg(0), strings.Join(names, ", "))
	}
	return run(env.Stdout, f.Arg(1))
}
