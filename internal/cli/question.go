package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/kb"
	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/store"
)

func init() {
	evaluations["questions"] = kb.Evaluate
}

// runQuestion answers a question from the knowledge base, after bringing
// the passage index up to date.
func runQuestion(ctx context.Context, env *Env, args []string) error {
	f := newFlags(env, "ask question", `"QUESTION"`, append(storeSettings, questionSettings...)...)
	offline := f.Bool("offline", false, "answer with the retrieved facts themselves, asking no model")
	asJSON := f.Bool("json", false, "print the whole answer as JSON instead of streaming text")
	within := f.Bool(
		"within-limit",
		false,
		"retrieve only what the provider may receive (AI__MAX_TLP) instead of refusing",
	)
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() == 0 {
		f.Usage()
		return errUsage
	}
	cfg := f.config(env)
	log := logger(env, cfg)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	parts, err := newKB(cfg, st, log)
	if err != nil {
		return err
	}
	if err := prepareIndex(ctx, env, parts); err != nil {
		return err
	}
	req := kb.Request{Question: strings.Join(f.Args(), " "), Offline: *offline, WithinLimit: *within}
	return answerQuestion(ctx, env, parts.svc, req, *asJSON)
}

// prepareIndex syncs the passages and embeds what is missing, printing
// progress to stderr.
func prepareIndex(ctx context.Context, env *Env, parts *kbParts) error {
	st, err := parts.index.Sync(ctx)
	if err != nil {
		return err
	}
	if st.Objects > 0 {
		fmt.Fprintf(env.Stderr, "indexed %d objects into %d passages\n", st.Objects, st.Passages)
	}
	if parts.model == "" {
		return nil
	}
	settings := parts.svc.AI.Settings()
	_, err = parts.index.Embed(ctx, parts.worker.Embedder, index.EmbedOptions{Model: parts.model,
		MaxTLP: int(settings.MaxTLP), Owner: parts.worker.Owner, Progress: func(s index.Status) {
			fmt.Fprintf(
				env.Stderr,
				"\rembedding with %s: %d of %d passages (%d above %s left out)",
				s.Model,
				s.Embedded,
				s.Passages,
				s.Skipped,
				settings.MaxTLP,
			)
		}})
	fmt.Fprintln(env.Stderr)
	if errors.Is(err, index.ErrBusy) {
		fmt.Fprintln(env.Stderr, "another server is embedding; answering with the vectors there are")
		return nil
	}
	return err
}

func answerQuestion(ctx context.Context, env *Env, svc *kb.Service, req kb.Request, asJSON bool) error {
	var emit func(string) error
	if !asJSON {
		emit = func(s string) error { _, err := io.WriteString(env.Stdout, s); return err }
	}
	a, err := svc.Ask(ctx, store.LocalAdmin, req, emit)
	if err != nil {
		var refused *ai.RefusedError
		if errors.As(err, &refused) {
			fmt.Fprintf(
				env.Stderr,
				"tipster ask question: refused, nothing was sent: the facts include %s content and the %s provider %s may receive at most %s. Add --offline or --within-limit.\n",
				refused.Content,
				refused.Location,
				refused.Provider,
				refused.Limit,
			)
			return ExitError{Code: 1}
		}
		return err
	}
	if asJSON {
		return json.NewEncoder(env.Stdout).Encode(a)
	}
	if !strings.HasSuffix(a.Text, "\n") {
		fmt.Fprintln(env.Stdout)
	}
	fmt.Fprintf(
		env.Stderr,
		"— %s, %d facts retrieved, %d cited, audit %d\n",
		a.Provider,
		len(a.Retrieved),
		len(a.Citations),
		a.AuditID,
	)
	for _, fl := range a.Flags {
		fmt.Fprintf(env.Stderr, "warning: %s: %s\n", fl.Kind, fl.Message)
	}
	return nil
}
