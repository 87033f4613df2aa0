package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/stix"
)

func init() {
	register(
		"user",
		"manage users: add, list, disable, enable, reset-password, token, tokens, revoke",
		runUser,
	)
}

// opener opens the store and its access control, and returns what closes them.
type opener func() (*auth.Service, func(), error)

// userCommands are the subcommands of `tipster user`.
var userCommands = map[string]struct {
	args string
	run  func(ctx context.Context, env *Env, f *flags, open opener) error
	opts func(f *flags)
}{
	"add":            {"EMAIL", userAdd, addFlags},
	"list":           {"", userList, func(f *flags) { f.Bool("json", false, "print the users as JSON") }},
	"disable":        {"EMAIL", userDisable, nil},
	"enable":         {"EMAIL", userEnable, nil},
	"reset-password": {"EMAIL", userResetPassword, stdinFlag},
	"token":          {"EMAIL", userToken, tokenFlags},
	"tokens":         {"EMAIL", userTokens, nil},
	"revoke":         {"EMAIL TOKEN_ID", userRevoke, nil},
}

func addFlags(f *flags) {
	f.String("role", "viewer", "admin, analyst or viewer")
	f.String(
		"clearance",
		"TLP:GREEN",
		"highest TLP the user may read: TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or TLP:RED",
	)
	stdinFlag(f)
}

func stdinFlag(f *flags) {
	f.Bool(
		"password-stdin",
		false,
		"read the password from the first line of standard input (default: API token only for add, a generated password for reset-password)",
	)
}

func tokenFlags(f *flags) {
	f.String("name", "cli", "what the token is for")
	f.Duration("expires", 0, "lifetime, such as 720h; 0 never expires")
}

func runUser(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || userCommands[args[0]].run == nil {
		fmt.Fprintln(
			env.Stderr,
			"Usage: tipster user add|list|disable|enable|reset-password|token|tokens|revoke [flags] ARGS",
		)
		fmt.Fprintln(env.Stderr, "Run 'tipster user SUBCOMMAND -h' for its flags.")
		return errUsage
	}
	c := userCommands[args[0]]
	f := newFlags(env, "user "+args[0], c.args, storeSettings...)
	if c.opts != nil {
		c.opts(f)
	}
	if err := parseInterspersed(f, args[1:]); err != nil {
		return err
	}
	if want := len(strings.Fields(c.args)); f.NArg() != want {
		f.Usage()
		return errUsage
	}
	open := func() (*auth.Service, func(), error) {
		cfg := f.config(env)
		st, err := openStore(ctx, cfg)
		if err != nil {
			return nil, nil, err
		}
		svc, err := newAuthService(st, cfg, nil)
		if err != nil {
			st.Close()
			return nil, nil, err
		}
		return svc, func() { st.Close() }, nil
	}
	return c.run(ctx, env, f, open)
}

// parseInterspersed parses flags placed before, between or after the
// positional arguments, as in `tipster user add EMAIL --role viewer`.
func parseInterspersed(f *flags, args []string) error {
	var pos []string
	for {
		if err := f.parse(args); err != nil {
			return err
		}
		args = f.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	return f.Parse(append([]string{"--"}, pos...))
}

func flagString(f *flags, name string) string { return f.Lookup(name).Value.String() }

func flagBool(f *flags, name string) bool { return f.Lookup(name).Value.String() == "true" }

// readPassword reads one line of standard input.
func readPassword(env *Env) (string, error) {
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func userAdd(ctx context.Context, env *Env, f *flags, open opener) error {
	role, err := auth.ParseRole(flagString(f, "role"))
	if err != nil {
		return err
	}
	tlp, err := stix.ParseTLP(flagString(f, "clearance"))
	if err != nil {
		return err
	}
	nu := auth.NewUser{Email: f.Arg(0), Role: role, Clearance: tlp}
	if flagBool(f, "password-stdin") {
		if nu.Password, err = readPassword(env); err != nil {
			return err
		}
	}
	svc, done, err := open()
	if err != nil {
		return err
	}
	defer done()
	u, token, err := svc.CreateUser(ctx, auth.CLI, nu)
	if err != nil {
		return err
	}
	fmt.Fprintf(
		env.Stderr,
		"Created %s %s with clearance %s. Its API token, shown only now:\n",
		u.Role,
		u.Email,
		u.Clearance,
	)
	fmt.Fprintln(env.Stdout, token)
	return nil
}

func userList(ctx context.Context, env *Env, f *flags, open opener) error {
	svc, done, err := open()
	if err != nil {
		return err
	}
	defer done()
	users, err := svc.ListUsers(ctx)
	if err != nil {
		return err
	}
	if flagBool(f, "json") {
		out := make([]map[string]any, len(users))
		for i, u := range users {
			out[i] = map[string]any{
				"id":           u.ID,
				"email":        u.Email,
				"role":         u.Role,
				"clearance":    u.Clearance.String(),
				"disabled":     u.Disabled,
				"has_password": u.PasswordHash != "",
				"created":      u.Created,
			}
		}
		return json.NewEncoder(env.Stdout).Encode(out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tROLE\tCLEARANCE\tSTATE")
	for _, u := range users {
		state := "enabled"
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Role, u.Clearance, state)
	}
	return tw.Flush()
}

func userDisable(ctx context.Context, env *Env, f *flags, open opener) error {
	return setDisabled(ctx, env, f, open, true)
}

func userEnable(ctx context.Context, env *Env, f *flags, open opener) error {
	return setDisabled(ctx, env, f, open, false)
}

func setDisabled(ctx context.Context, env *Env, f *flags, open opener, disabled bool) error {
	svc, done, err := open()
	if err != nil {
		return err
	}
	defer done()
	u, err := svc.UserByEmail(ctx, f.Arg(0))
	if err != nil {
		return err
	}
	if _, err := svc.UpdateUser(ctx, auth.CLI, u.ID, auth.Change{Disabled: &disabled}); err != nil {
		return err
	}
	if disabled {
		fmt.Fprintf(
			env.Stdout,
			"%s is disabled: its sessions have ended and its tokens no longer work.\n",
			u.Email,
		)
	} else {
		fmt.Fprintf(env.Stdout, "%s is enabled.\n", u.Email)
	}
	return nil
}

func userResetPassword(ctx context.Context, env *Env, f *flags, open opener) error {
	var password string
	var err error
	if flagBool(f, "password-stdin") {
		if password, err = readPassword(env); err != nil {
			return err
		}
	}
	svc, done, err := open()
	if err != nil {
		return err
	}
	defer done()
	u, err := svc.UserByEmail(ctx, f.Arg(0))
	if err != nil {
		return err
	}
	pw, err := svc.SetPassword(ctx, auth.CLI, u.ID, password)
	if err != nil {
		return err
	}
	if password != "" {
		fmt.Fprintf(env.Stderr, "Password of %s changed; its sessions have ended.\n", u.Email)
		return nil
	}
	fmt.Fprintf(env.Stderr, "New password of %s, shown only now (its sessions have ended):\n", u.Email)
	fmt.Fprintln(env.Stdout, pw)
	return nil
}

func userToken(ctx context.Context, env *Env, f *flags, open opener) error {
	ttl, _ := time.ParseDuration(flagString(f, "expires"))
	svc, done, err := open()
	if err != nil {
		return err
	}
	defer done()
	u, err := svc.UserByEmail(ctx, f.Arg(0))
	if err != nil {
		return err
	}
	token, t, err := svc.IssueToken(ctx, auth.CLI, u.ID, flagString(f, "name"), ttl)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "Token %d of %s, shown only now:\n", t.ID, u.Email)
	fmt.Fprintln(env.Stdout, token)
	return nil
}

func userRevoke(ctx context.Context, env *Env, f *flags, open opener) error {
	id, err := strconv.ParseInt(f.Arg(1), 10, 64)
	if err != nil {
		return fmt.Errorf("TOKEN_ID %q is not a number (see `tipster user tokens EMAIL`)", f.Arg(1))
	}
	svc, done, err := open()
	if err != nil {
		return err
	}
	defer done()
	u, err := svc.UserByEmail(ctx, f.Arg(0))
	if err != nil {
		return err
	}
	if err := svc.RevokeToken(ctx, auth.CLI, u.ID, id); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Token %d of %s is revoked.\n", id, u.Email)
	return nil
}

func userTokens(ctx context.Context, env *Env, f *flags, open opener) error {
	svc, done, err := open()
	if err != nil {
		return err
	}
	defer done()
	u, err := svc.UserByEmail(ctx, f.Arg(0))
	if err != nil {
		return err
	}
	tokens, err := svc.Tokens(ctx, u.ID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSTARTS\tCREATED\tEXPIRES\tSTATE")
	for _, t := range tokens {
		state, expires := "in force", "never"
		if !t.Expires.IsZero() {
			expires = t.Expires.Format(time.DateTime)
		}
		if !t.Revoked.IsZero() {
			state = "revoked " + t.Revoked.Format(time.DateTime)
		}
		fmt.Fprintf(
			tw,
			"%d\t%s\t%s\t%s\t%s\t%s\n",
			t.ID,
			t.Name,
			t.Hint,
			t.Created.Format(time.DateTime),
			expires,
			state,
		)
	}
	return tw.Flush()
}
