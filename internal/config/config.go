// Package config is Tipster's one settings registry: every setting's
// environment name (the double-underscore names of OpenCTI deployments),
// command-line flag, default, description and whether it is secret. The
// README table, `tipster config` and `--help` all come from it.
package config

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Setting describes one setting.
type Setting struct {
	Env         string // environment variable, e.g. APP__DATA_DIR
	Flag        string // command-line flag without dashes, "" if none
	Default     string
	Description string
	Secret      bool // redacted when printed
}

// Config holds the effective value of every registered setting.
type Config struct {
	values  map[string]string
	sources map[string]string // "default", "env" or "flag"
}

// Load resolves every setting: a flag given on the command line wins over
// the environment, which wins over the default. getenv is os.Getenv in
// production; flags maps flag names to the values given.
func Load(getenv func(string) string, flags map[string]string) Config {
	c := Config{values: map[string]string{}, sources: map[string]string{}}
	for _, s := range Registry {
		c.values[s.Env], c.sources[s.Env] = s.Default, "default"
		if v := getenv(s.Env); v != "" {
			c.values[s.Env], c.sources[s.Env] = v, "env"
		}
		if v, ok := flags[s.Flag]; ok && s.Flag != "" {
			c.values[s.Env], c.sources[s.Env] = v, "flag"
		}
	}
	return c
}

// FromEnv loads the settings from the process environment and flags.
func FromEnv(flags map[string]string) Config { return Load(os.Getenv, flags) }

// Get returns a setting's value; it panics on a name not in the registry,
// which is a programming error caught by the tests.
func (c Config) Get(env string) string {
	v, ok := c.values[env]
	if !ok {
		panic("config: unregistered setting " + env)
	}
	return v
}

// Set overrides a setting, as a flag would.
func (c Config) Set(env, value string) {
	c.Get(env)
	c.values[env], c.sources[env] = value, "flag"
}

// IsSet reports whether a setting was given by flag or environment.
func (c Config) IsSet(env string) bool { c.Get(env); return c.sources[env] != "default" }

// Int returns a setting as an integer.
func (c Config) Int(env string) (int, error) {
	v := c.Get(env)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("config: %s=%q is not a whole number", env, v)
	}
	return n, nil
}

// Bool returns a setting as a boolean (true, 1, yes, on).
func (c Config) Bool(env string) (bool, error) {
	switch strings.ToLower(c.Get(env)) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("config: %s=%q is not true or false", env, c.Get(env))
}

// Duration returns a setting as a duration ("90s", "2m"; a bare number is
// seconds).
func (c Config) Duration(env string) (time.Duration, error) {
	v := c.Get(env)
	if v == "" {
		return 0, nil
	}
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("config: %s=%q is not a duration such as 90s or 2m", env, v)
	}
	return d, nil
}

// Print writes every setting with its value and where it came from,
// secrets redacted.
func (c Config) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tSOURCE")
	names := make([]string, 0, len(Registry))
	secret := map[string]bool{}
	for _, s := range Registry {
		names = append(names, s.Env)
		secret[s.Env] = s.Secret
	}
	sort.Strings(names)
	for _, n := range names {
		v := c.values[n]
		if secret[n] && v != "" {
			v = "(redacted)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", n, v, c.sources[n])
	}
	return tw.Flush()
}

// Markdown writes the registry as a Markdown table, for the README.
func Markdown(w io.Writer) {
	fmt.Fprintln(w, "| Environment | Flag | Default | Description |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, s := range Registry {
		flag := ""
		if s.Flag != "" {
			flag = "`--" + s.Flag + "`"
		}
		def := s.Default
		if def != "" {
			def = "`" + def + "`"
		}
		desc := s.Description
		if s.Secret {
			desc += " Secret: never printed."
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", s.Env, flag, def, desc)
	}
}
