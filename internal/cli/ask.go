package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/llm"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

func init() {
	register(
		"ask",
		"Ask AI: fix-spelling, shorter, longer, change-tone, summarize, explain, report, or question (to the knowledge base)",
		runAsk,
	)
}

// askFlags are the flags of tipster ask.
type askFlags struct {
	*flags
	tone, format, language, marking  *string
	object, file, text, since, until *string
	offline, asJSON                  *bool
}

func newAskFlags(env *Env) *askFlags {
	f := &askFlags{flags: newFlags(env, "ask", "OPERATION (--object ID | --file PATH | --text STRING | -)",
		append(storeSettings, aiSettings...)...)}
	f.tone = f.String(
		"tone",
		"",
		"audience of change-tone and report: strategic, tactical or operational (default operational)",
	)
	f.format = f.String("format", "text", "answer format: text, markdown or html")
	f.language = f.String("language", "", "answer in this language (default: the language of the input)")
	f.marking = f.String(
		"marking",
		"",
		"TLP of free text (default TLP:CLEAR); decides which providers may receive it",
	)
	f.object = f.String(
		"object",
		"",
		"work on this object's description (report: draft from this report, grouping or case)",
	)
	f.file = f.String("file", "", "work on the text of this file")
	f.text = f.String("text", "", "work on this text")
	f.since = f.String(
		"since",
		"",
		"report: digest the reports published from this date (YYYY-MM-DD or RFC 3339)",
	)
	f.until = f.String("until", "", "report: digest up to this date, excluded (default now)")
	f.offline = f.Bool("offline", false, "use the offline engine instead of the configured provider")
	f.asJSON = f.Bool("json", false, "print the whole answer as JSON at the end instead of streaming text")
	return f
}

func runAsk(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "question" {
		return runQuestion(ctx, env, args[1:])
	}
	f := newAskFlags(env)
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-" {
		if err := f.parse(args); err != nil {
			return err
		}
		f.Usage()
		return errUsage
	}
	op, err := ai.ParseOperation(args[0])
	if err != nil {
		fmt.Fprintf(env.Stderr, "tipster ask: %v\n", err)
		return errUsage
	}
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	req, err := f.request(env, op)
	if err != nil {
		return err
	}
	cfg := f.config(env)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := newAIService(cfg, st, logger(env, cfg))
	if err != nil {
		return err
	}
	return ask(ctx, env, svc, req, *f.asJSON)
}

// request builds the Service request from the flags and arguments.
func (f *askFlags) request(env *Env, op ai.Operation) (ai.Request, error) {
	req := ai.Request{Operation: op, Audience: ai.Audience(*f.tone), Format: ai.Format(*f.format),
		Language: *f.language, ObjectID: stix.ID(*f.object), Offline: *f.offline}
	sources := 0
	for _, given := range []bool{*f.object != "", *f.file != "", *f.text != "", f.NArg() == 1 && f.Arg(0) == "-"} {
		if given {
			sources++
		}
	}
	period := *f.since != "" || *f.until != ""
	if f.NArg() > 1 || (f.NArg() == 1 && f.Arg(0) != "-") || sources > 1 || (sources == 0 && !period) {
		fmt.Fprintln(
			env.Stderr,
			"tipster ask: give exactly one of --object ID, --file PATH, --text STRING or - (standard input), or --since/--until with report",
		)
		return req, errUsage
	}
	var err error
	switch {
	case *f.file != "":
		req.Text, err = readText(os.Open(*f.file))
	case f.NArg() == 1:
		req.Text, err = readText(io.NopCloser(env.Stdin), nil)
	default:
		req.Text = *f.text
	}
	if err != nil {
		return req, err
	}
	if *f.marking != "" {
		tlp, err := stix.ParseTLP(*f.marking)
		if err != nil {
			return req, fmt.Errorf("--marking: %w", err)
		}
		req.Marking = &tlp
	}
	if req.Since, err = parseWhen("--since", *f.since); err != nil {
		return req, err
	}
	req.Until, err = parseWhen("--until", *f.until)
	return req, err
}

// readText reads all of a file or standard input, at most 8 MiB.
func readText(rc io.ReadCloser, openErr error) (string, error) {
	if openErr != nil {
		return "", openErr
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 8<<20+1))
	if err != nil {
		return "", fmt.Errorf("read input: %w", err)
	}
	if len(b) > 8<<20 {
		return "", errors.New("input is larger than 8 MiB")
	}
	return string(b), nil
}

func parseWhen(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q: want a date such as 2024-01-31 or 2024-01-31T00:00:00Z", name, s)
}

// ask runs the request as the local administrator, streaming the answer
// to stdout and its flags and provenance to stderr.
func ask(ctx context.Context, env *Env, svc *ai.Service, req ai.Request, asJSON bool) error {
	var emit func(string) error
	if !asJSON {
		emit = func(s string) error { _, err := io.WriteString(env.Stdout, s); return err }
	}
	ans, err := svc.Ask(ctx, store.LocalAdmin, req, emit)
	if err != nil {
		return explainAskError(env, svc, err)
	}
	if asJSON {
		return json.NewEncoder(env.Stdout).Encode(ans)
	}
	if !strings.HasSuffix(ans.Text, "\n") {
		fmt.Fprintln(env.Stdout)
	}
	fmt.Fprintf(
		env.Stderr,
		"— %s, %s, %d chunk(s), finish %s, audit %d\n",
		ans.Provider,
		ans.Location,
		ans.Chunks,
		ans.FinishReason,
		ans.AuditID,
	)
	for _, fl := range ans.Flags {
		fmt.Fprintf(env.Stderr, "warning: %s: %s\n", fl.Kind, strings.TrimSpace(fl.Message+" "+fl.Value))
	}
	return nil
}

// explainAskError prints why a request failed, with the fix, and returns
// an error that only sets the exit status.
func explainAskError(env *Env, svc *ai.Service, err error) error {
	var refused *ai.RefusedError
	var le *llm.Error
	switch {
	case errors.As(err, &refused):
		fmt.Fprintf(
			env.Stderr,
			"tipster ask: refused, nothing was sent: the content is %s and the %s provider %s may receive at most %s (AI__MAX_TLP).\n",
			refused.Content,
			refused.Location,
			refused.Provider,
			refused.Limit,
		)
	case errors.As(err, &le):
		d := llm.Diagnose(svc.Settings().LLM, err)
		fmt.Fprintf(env.Stderr, "tipster ask: %s\nFix: %s\n", d.Problem, d.Fix)
	default:
		return err
	}
	if svc.OfflineAvailable() {
		fmt.Fprintln(env.Stderr, "The offline engine can answer instead: add --offline.")
	}
	return ExitError{Code: 1}
}
