package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

func init() {
	register("import", "import STIX bundles and documents (files, directories, - for stdin)", runImport)
}

// importDocument imports a non-JSON file as a report; set by the document
// pipeline when it is built in.
var importDocument func(ctx context.Context, st store.Store, path string, r io.Reader, marking *stix.TLP) (docResult, error)

// docResult is what a document import made.
type docResult struct {
	ReportID   stix.ID `json:"report_id"`
	Name       string  `json:"name"`
	Indicators int     `json:"indicators"`
	Entities   int     `json:"entities"`
	Updated    bool    `json:"updated"`
	Unchanged  bool    `json:"unchanged"`
}

type importReport struct {
	bundles int // bundle files read, to know whether to print their summary
	ingest.Summary
	Documents []docResult   `json:"documents,omitempty"`
	Errors    []fileFailure `json:"errors,omitempty"`
}

type fileFailure struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

func runImport(ctx context.Context, env *Env, args []string) error {
	f := newFlags(env, "import", "PATH...", storeSettings...)
	asJSON := f.Bool("json", false, "print one JSON summary instead of text")
	marking := f.String("marking", "", "TLP to give objects that carry none, e.g. TLP:AMBER")
	docs := f.Bool(
		"documents",
		false,
		"in directories, also import .txt, .md, .html and .pdf files as reports (by default only .json files are taken from directories)",
	)
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() == 0 {
		f.Usage()
		return errUsage
	}
	var opt ingest.Options
	if *marking != "" {
		tlp, err := stix.ParseTLP(*marking)
		if err != nil {
			return err
		}
		opt.Marking = &tlp
	}
	paths, missing := expand(f.Args(), *docs)
	cfg := f.config(env)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	audit, err := newCLIAudit(env, cfg, st)
	if err != nil {
		return err
	}
	rep := importReport{Summary: ingest.Summary{Skipped: []ingest.Skip{}}, Errors: missing}
	for _, p := range paths {
		if err := importOne(ctx, env, st, audit, p, opt, &rep, !*asJSON); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			rep.Errors = append(rep.Errors, fileFailure{File: p, Error: err.Error()})
		}
	}
	printImport(env, rep, *asJSON)
	if len(rep.Errors) > 0 {
		return ExitError{Code: 1}
	}
	return nil
}

// bundleExts and documentExts are the files taken from directories.
var (
	bundleExts   = map[string]bool{".json": true, ".stix": true}
	documentExts = map[string]bool{
		".txt":      true,
		".md":       true,
		".markdown": true,
		".html":     true,
		".htm":      true,
		".pdf":      true,
	}
)

// expand turns directories into the files under them, sorted: bundles, and
// documents too when docs is set. Files named on the command line are
// always taken.
func expand(args []string, docs bool) ([]string, []fileFailure) {
	var out []string
	var failed []fileFailure
	for _, a := range args {
		if a == "-" {
			out = append(out, a)
			continue
		}
		info, err := os.Stat(a)
		if err != nil {
			failed = append(failed, fileFailure{File: a, Error: pathError(err)})
			continue
		}
		if !info.IsDir() {
			out = append(out, a)
			continue
		}
		var files []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			ext := strings.ToLower(filepath.Ext(p))
			if !d.IsDir() && !strings.HasPrefix(d.Name(), ".") &&
				(bundleExts[ext] || docs && documentExts[ext]) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			failed = append(failed, fileFailure{File: a, Error: pathError(err)})
		}
		sort.Strings(files)
		out = append(out, files...)
	}
	return out, failed
}

// pathError says what is wrong with a path without Go's operation prefix.
func pathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func importOne(
	ctx context.Context,
	env *Env,
	st store.Store,
	audit *cliAudit,
	path string,
	opt ingest.Options,
	rep *importReport,
	progress bool,
) error {
	var r io.Reader = env.Stdin
	var size int64
	if path != "-" {
		// Stat before opening: opening a FIFO with no writer blocks.
		info, err := os.Stat(path)
		if err != nil {
			return errors.New(pathError(err))
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("not a regular file (%s); use - to read standard input", info.Mode().Type())
		}
		file, err := os.Open(path)
		if err != nil {
			return errors.New(pathError(err))
		}
		defer file.Close()
		size = info.Size()
		r = file
	}
	br := bufio.NewReaderSize(r, 1<<16)
	if !looksLikeJSON(br) && !bundleExts[strings.ToLower(filepath.Ext(path))] {
		if importDocument == nil {
			return errors.New("not JSON, and this build cannot import documents")
		}
		res, err := importDocument(ctx, st, path, br, opt.Marking)
		audit.document(ctx, path, res, err)
		if err != nil {
			return err
		}
		rep.Documents = append(rep.Documents, res)
		return nil
	}
	opt.Source = path
	rep.bundles++
	if progress && size > 8<<20 {
		if fd, ok := env.Stderr.(*os.File); ok && term.IsTerminal(int(fd.Fd())) {
			opt.Progress = progressBar(env.Stderr, path, size)
			defer fmt.Fprintln(env.Stderr)
		}
	}
	sum, err := ingest.Bundle(ctx, st, br, opt)
	audit.bundle(ctx, path, sum, err)
	if err != nil {
		return locate(path, err)
	}
	rep.Add(sum)
	return nil
}

// looksLikeJSON peeks at the first non-space byte.
func looksLikeJSON(br *bufio.Reader) bool {
	head, _ := br.Peek(512)
	s := strings.TrimLeft(strings.TrimPrefix(string(head), "\ufeff"), " \t\r\n")
	return strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")
}

// locate adds the line and column of a syntax error in a file.
func locate(path string, err error) error {
	var se *stix.SyntaxError
	if !errors.As(err, &se) || path == "-" {
		return err
	}
	line, col, ok := lineCol(path, se.Offset)
	if !ok {
		return err
	}
	where := fmt.Sprintf("line %d, column %d", line, col)
	if se.Index >= 0 {
		where += fmt.Sprintf(" (object %d)", se.Index)
	}
	return fmt.Errorf("%s: %s; nothing from this file was imported", where, se.Msg)
}

// lineCol finds the line and column of a byte offset in a file, reading it
// in blocks rather than whole.
func lineCol(path string, offset int64) (line, col int, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	line, col = 1, 1
	for n := int64(0); n < offset; n++ {
		b, err := br.ReadByte()
		if err != nil {
			return 0, 0, false
		}
		if b == '\n' {
			line, col = line+1, 1
		} else if b < 0x80 || b >= 0xC0 {
			col++ // count characters, not the continuation bytes of UTF-8
		}
	}
	return line, col, true
}

func progressBar(w io.Writer, name string, size int64) func(int64) {
	last := time.Time{}
	return func(n int64) {
		if time.Since(last) < 200*time.Millisecond && n < size {
			return
		}
		last = time.Now()
		pct := float64(n) / float64(size)
		bar := strings.Repeat("#", int(pct*30)) + strings.Repeat(".", 30-int(pct*30))
		fmt.Fprintf(w, "\r%s [%s] %3.0f%% %d/%d MB", filepath.Base(name), bar, pct*100, n>>20, size>>20)
	}
}

func printImport(env *Env, rep importReport, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
		return
	}
	w := env.Stdout
	s := rep.Summary
	if rep.bundles > 0 {
		printSummary(w, s)
	}
	for _, d := range rep.Documents {
		verb := "created"
		switch {
		case d.Updated:
			verb = "updated"
		case d.Unchanged:
			verb = "unchanged"
		}
		fmt.Fprintf(
			w,
			"report %s %s %q: %d indicators, %d known entities\n",
			d.ReportID,
			verb,
			d.Name,
			d.Indicators,
			d.Entities,
		)
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(env.Stderr, "error: %s: %s\n", e.File, e.Error)
	}
}

func printSummary(w io.Writer, s ingest.Summary) {
	fmt.Fprintf(w, "%d created, %d updated, %d unchanged, %d skipped, %d dangling references",
		s.Created, s.Updated, s.Unchanged, len(s.Skipped), s.DanglingRefs)
	if s.Upgraded > 0 {
		fmt.Fprintf(w, " (%d upgraded from STIX 2.0)", s.Upgraded)
	}
	fmt.Fprintln(w)
	for _, sk := range s.Skipped {
		fmt.Fprintf(w, "  skipped %s object %d %s: %s\n", sk.Source, sk.Index, sk.ID, sk.Reason)
	}
}

// cliAudit writes the command line's imports and exports to the access
// audit log, with the actions and outcomes of the API's (auth.AuditedStore),
// so that GET /api/v1/audit lists both. Where the API names the target
// "bundle", the command line names the file it read.
type cliAudit struct {
	svc *auth.Service
	by  auth.Actor
}

// newCLIAudit returns the audit of the store's database, writing as
// cliActor. A failure to write an entry is logged to standard error and
// does not stop the command, as in the server.
func newCLIAudit(env *Env, cfg config.Config, st store.Store) (*cliAudit, error) {
	b, ok := st.(authBackend)
	if !ok {
		return nil, errors.New("this store keeps no audit log")
	}
	return &cliAudit{svc: auth.New(b.Auth(), auth.Options{}, logger(env, cfg)), by: cliActor()}, nil
}

// cliActor is who the audit log names for the command line: "cli:" and the
// name of the operating-system user running it, such as "cli:alice", or
// just "cli" when that user has no name. Its remote is the machine's host
// name, which tells hosts apart when several share one PostgreSQL.
func cliActor() auth.Actor {
	by := auth.CLI
	if u, err := user.Current(); err == nil && u.Username != "" {
		by.Name += ":" + u.Username
	}
	by.Remote, _ = os.Hostname()
	return by
}

// auditSource names an input for the audit log: "stdin" for -, otherwise
// the file's absolute path.
func auditSource(path string) string {
	if path == "-" {
		return "stdin"
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// auditCounts is the detail of an import entry: the API's counts and the
// objects skipped.
func auditCounts(s ingest.Summary) string {
	return fmt.Sprintf("%d created, %d updated, %d unchanged, %d skipped",
		s.Created, s.Updated, s.Unchanged, len(s.Skipped))
}

// bundle audits the import of one bundle file, a single transaction: its
// counts, or "failed" when err undid it (counting what was read before).
func (a *cliAudit) bundle(ctx context.Context, path string, sum ingest.Summary, err error) {
	e := auth.Entry{Action: auth.ActionImport, Target: auditSource(path), Outcome: auth.OutcomeOK,
		Detail: auditCounts(sum)}
	if err != nil {
		e.Outcome, e.Detail = auth.OutcomeFailed, "nothing imported; "+e.Detail+" before the failure"
	}
	a.svc.Audit(ctx, a.by, e)
}

// document audits the import of one document. The entry names the report
// it made, so that readers below the report's level do not see it.
func (a *cliAudit) document(ctx context.Context, path string, res docResult, err error) {
	e := auth.Entry{Action: auth.ActionImport, Target: auditSource(path), Outcome: auth.OutcomeOK}
	if err != nil {
		e.Outcome, e.Detail = auth.OutcomeFailed, "document not imported"
		a.svc.Audit(ctx, a.by, e)
		return
	}
	verb := "created"
	switch {
	case res.Updated:
		verb = "updated"
	case res.Unchanged:
		verb = "unchanged"
	}
	e.ObjectID = res.ReportID
	e.Detail = fmt.Sprintf("document: report %s, %d indicators, %d known entities", verb, res.Indicators, res.Entities)
	a.svc.Audit(ctx, a.by, e)
}

// export audits the export of root, as the API does: ok with the number of
// objects in the bundle, denied when the object is not there.
func (a *cliAudit) export(ctx context.Context, root stix.ID, objects int, err error) {
	e := auth.Entry{Action: auth.ActionExport, Target: string(root), ObjectID: root, Outcome: auth.OutcomeOK,
		Detail: fmt.Sprintf("%d objects", objects)}
	if objects == 1 {
		e.Detail = "1 object"
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		e.Outcome, e.Detail = auth.OutcomeDenied, "not found"
	case err != nil:
		e.Outcome, e.Detail = auth.OutcomeFailed, ""
	}
	a.svc.Audit(ctx, a.by, e)
}
