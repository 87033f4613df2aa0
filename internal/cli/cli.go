// Package cli is the tipster command: one file per subcommand, each wiring
// the services it needs from the settings registry.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/tipster-cti/tipster/internal/config"
)

// Env is what a command runs with: its streams and settings.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

var commands = map[string]command{}

// register adds a subcommand; each command's file calls it from init.
func register(name, summary string, run func(ctx context.Context, env *Env, args []string) error) {
	commands[name] = command{summary, run}
}

// ExitError carries an exit status other than 1.
type ExitError struct{ Code int }

func (e ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// Main runs the command line and returns the process's exit status.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	return Run(ctx, env, args)
}

// Run runs one command line with env, for Main and for tests.
func Run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "tipster: unknown command %q\n\n", args[0])
		usage(env.Stderr)
		return 2
	}
	err := cmd.run(ctx, env, args[1:])
	var exit ExitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &exit):
		return exit.Code
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(env.Stderr, "tipster %s: %v\n", args[0], err)
	return 1
}

var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprintln(w, "Tipster: a threat-intelligence platform with an AI analyst built in.")
	fmt.Fprintln(w, "\nUsage: tipster COMMAND [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'tipster COMMAND -h' for a command's flags, 'tipster config' for every setting.")
}

// flags is a command's flag set bound to the settings registry: a flag that
// names a setting (such as --data) overrides its environment variable.
type flags struct {
	*flag.FlagSet
	settings map[string]*string // flag name -> value, for registry flags
}

func newFlags(env *Env, name, args string, settings ...string) *flags {
	fs := flag.NewFlagSet("tipster "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	f := &flags{FlagSet: fs, settings: map[string]*string{}}
	for _, envName := range settings {
		for _, s := range config.Registry {
			if s.Env == envName && s.Flag != "" {
				f.settings[s.Flag] = fs.String(s.Flag, "", s.Description+" (env "+s.Env+")")
			}
		}
	}
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: tipster %s [flags] %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return f
}

// parse parses args, reporting a usage error as errUsage.
func (f *flags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// config resolves the settings with the flags that were given.
func (f *flags) config(env *Env) config.Config {
	given := map[string]string{}
	f.Visit(func(fl *flag.Flag) {
		if p, ok := f.settings[fl.Name]; ok {
			given[fl.Name] = *p
		}
	})
	return config.Load(env.Getenv, given)
}

// logger returns the logger for the configured level, writing to stderr.
func logger(env *Env, cfg config.Config) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(cfg.Get("APP__LOG_LEVEL")))); err != nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
}
