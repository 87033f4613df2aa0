package cli

import (
	"context"

	"github.com/tipster-cti/tipster/internal/config"
)

func init() {
	register("config", "print the effective settings, secrets redacted", runConfig)
}

func runConfig(ctx context.Context, env *Env, args []string) error {
	all := make([]string, 0, len(config.Registry))
	for _, s := range config.Registry {
		all = append(all, s.Env)
	}
	f := newFlags(env, "config", "", all...)
	markdown := f.Bool("markdown", false, "print the registry as a Markdown table (for the README)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *markdown {
		config.Markdown(env.Stdout)
		return nil
	}
	return f.config(env).Print(env.Stdout)
}
