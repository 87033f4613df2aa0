package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/store"
)

// Tables are the tables beside the knowledge base that a copy carries, in
// the order it copies them (a row's references come before it): access
// control, the access audit log, Ask AI's audit log and the provenance of
// applied AI text.
var Tables = []string{"users", "api_tokens", "sessions", "audit_log", "ai_audit", "ai_provenance"}

// NotCopied says which tables a copy leaves out, and why, for the report
// of the migrate command.
const NotCopied = "Not copied: failed logins (login_failures), which only count toward " +
	"the rate limit for minutes; and the knowledge-base passage index and its embeddings " +
	"(passages, passage_vectors and their job tables), which the servers' background indexer " +
	"rebuilds from the copied objects and documents, asking the embedding model again."

// TableSource is a store whose tables beside the knowledge base can be
// read for a copy: the SQLite store. Each Export method calls each for
// every row of its table, in id order (sessions by creation), and stops at
// the first error each returns.
type TableSource interface {
	ExportUsers(ctx context.Context, each func(auth.User) error) error
	ExportTokens(ctx context.Context, each func(auth.Token) error) error
	ExportSessions(ctx context.Context, each func(auth.Session) error) error
	ExportAudit(ctx context.Context, each func(auth.Entry) error) error
	ExportAIAudit(ctx context.Context, each func(ai.Entry) error) error
	ExportProvenance(ctx context.Context, each func(ai.Provenance) error) error
	// TableCounts returns the rows of each of Tables.
	TableCounts(ctx context.Context) (map[string]int, error)
}

// TableTarget is a store that can take those rows: the PostgreSQL store.
// Each Import method writes its rows in one transaction, keeping their ids
// (and so every reference between them), and returns how many it added;
// a row already there with the same id and the same identity (a user's
// e-mail address, a token's hash, an entry's time) is left as it is and
// not counted, so that a copy can be run again. A row whose id or unique
// key is held by a different row fails the import.
type TableTarget interface {
	ImportUsers(ctx context.Context, rows []auth.User) (int, error)
	ImportTokens(ctx context.Context, rows []auth.Token) (int, error)
	ImportSessions(ctx context.Context, rows []auth.Session) (int, error)
	ImportAudit(ctx context.Context, rows []auth.Entry) (int, error)
	ImportAIAudit(ctx context.Context, rows []ai.Entry) (int, error)
	ImportProvenance(ctx context.Context, rows []ai.Provenance) (int, error)
	// TableCounts returns the rows of each of Tables.
	TableCounts(ctx context.Context) (map[string]int, error)
}

// TableReport says what a copy did with one table.
type TableReport struct {
	Name    string
	Rows    int // rows in the source, and in the target after the copy
	Copied  int // rows the target did not hold
	Present int // rows the target already held, as after an earlier copy
}

// tableBatch is the number of rows written per target transaction.
const tableBatch = 500

// tablePlan is what a copy will do with Tables: nothing when src or dst
// is nil (skipped says why), else copy want rows of each.
type tablePlan struct {
	src     TableSource
	dst     TableTarget
	want    map[string]int
	skipped string
}

// planTables decides, before anything is written, whether the rows of
// Tables can be copied: from must be a TableSource, and to a TableTarget
// unless from holds none.
func planTables(ctx context.Context, from, to store.Store) (tablePlan, error) {
	src, ok := from.(TableSource)
	if !ok {
		return tablePlan{skipped: "the source store cannot export them"}, nil
	}
	want, err := src.TableCounts(ctx)
	if err != nil {
		return tablePlan{}, fmt.Errorf("migrate: count source rows: %w", err)
	}
	dst, ok := to.(TableTarget)
	if ok {
		return tablePlan{src: src, dst: dst, want: want}, nil
	}
	var held []string
	for _, t := range Tables {
		if want[t] > 0 {
			held = append(held, fmt.Sprintf("%s (%d)", t, want[t]))
		}
	}
	if len(held) > 0 {
		return tablePlan{}, fmt.Errorf("migrate: the target store cannot take the source's %s; copy into PostgreSQL",
			strings.Join(held, ", "))
	}
	return tablePlan{skipped: "the source holds none"}, nil
}

// copyTables copies every row of Tables as planned, and checks that both
// stores then hold as many rows of each.
func copyTables(ctx context.Context, plan tablePlan, rep *Report) error {
	if plan.src == nil {
		rep.TablesSkipped = plan.skipped
		return nil
	}
	src, dst := plan.src, plan.dst
	steps := []func() (int, error){
		func() (int, error) { return copyRows(ctx, src.ExportUsers, dst.ImportUsers) },
		func() (int, error) { return copyRows(ctx, src.ExportTokens, dst.ImportTokens) },
		func() (int, error) { return copyRows(ctx, src.ExportSessions, dst.ImportSessions) },
		func() (int, error) { return copyRows(ctx, src.ExportAudit, dst.ImportAudit) },
		func() (int, error) { return copyRows(ctx, src.ExportAIAudit, dst.ImportAIAudit) },
		func() (int, error) { return copyRows(ctx, src.ExportProvenance, dst.ImportProvenance) },
	}
	for i, step := range steps {
		name := Tables[i]
		copied, err := step()
		if err != nil {
			return fmt.Errorf("migrate: copy %s: %w", name, err)
		}
		rep.Tables = append(rep.Tables, TableReport{Name: name, Rows: plan.want[name], Copied: copied,
			Present: plan.want[name] - copied})
	}
	got, err := dst.TableCounts(ctx)
	if err != nil {
		return fmt.Errorf("migrate: count target rows: %w", err)
	}
	var diffs []string
	for _, t := range Tables {
		if plan.want[t] != got[t] {
			diffs = append(diffs, fmt.Sprintf("%s: %d rows in the source, %d in the target", t, plan.want[t], got[t]))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("migrate: %w: %s", ErrMismatch, strings.Join(diffs, "; "))
	}
	return nil
}

// copyRows reads every row with export and writes them with imp, in
// batches of tableBatch, and returns how many the target added.
func copyRows[T any](
	ctx context.Context,
	export func(context.Context, func(T) error) error,
	imp func(context.Context, []T) (int, error),
) (int, error) {
	var copied int
	batch := make([]T, 0, tableBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n, err := imp(ctx, batch)
		copied += n
		batch = batch[:0]
		return err
	}
	err := export(ctx, func(row T) error {
		if batch = append(batch, row); len(batch) == tableBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return copied, err
}
