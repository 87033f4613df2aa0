package sqlite

import (
	"context"
	"fmt"
	"strings"
)

// batch collects rows for one table and writes them with multi-row INSERT
// statements: one statement per many rows costs far less than one per row.
type batch struct {
	verb  string // "INSERT OR FAIL", "INSERT OR IGNORE", ...
	table string // "table (col, ...)"
	cols  int
	rows  []any          // flattened values, cols per row
	sql   map[int]string // the statement that inserts n rows
}

// maxRows is the most rows one statement inserts. Statements insert a
// power of two rows, so that a handful of them, prepared once on the
// imports' connection, serve every batch: preparing a statement of
// thousands of parameters for each batch size would cost as much as the
// inserts.
const maxRows = 128

// newBatch returns a batch of "verb INTO table VALUES ..." statements.
// Tables of the knowledge base take INSERT OR FAIL: rather than the default
// ABORT, it spares SQLite a statement journal for each multi-row statement,
// and with it a flush of the full-text index's pending terms at the start of
// every statement. A failed statement fails the whole import, which is then
// rolled back, so nothing partial survives.
func newBatch(verb, table string, cols int) *batch {
	return &batch{verb: verb, table: table, cols: cols, sql: map[int]string{}}
}

func (b *batch) add(vals ...any) { b.rows = append(b.rows, vals...) }

func (b *batch) len() int { return len(b.rows) / b.cols }

// flush writes the collected rows on the imports' connection of d and
// returns the rowid of the last row written (0 when there were none).
func (b *batch) flush(ctx context.Context, d *DB) (int64, error) {
	var last int64
	for rows := b.rows; len(rows) > 0; {
		n := maxRows
		for n > len(rows)/b.cols {
			n /= 2
		}
		st, err := d.writerStmt(ctx, b.statement(n))
		if err != nil {
			return 0, err
		}
		res, err := st.ExecContext(ctx, rows[:n*b.cols]...)
		if err != nil {
			return 0, fmt.Errorf("sqlite: insert into %s: %w", b.table, err)
		}
		if last, err = res.LastInsertId(); err != nil {
			return 0, fmt.Errorf("sqlite: insert into %s: %w", b.table, err)
		}
		rows = rows[n*b.cols:]
	}
	clear(b.rows) // keep the array, drop its references to the written values
	b.rows = b.rows[:0]
	return last, nil
}

// statement is the SQL that inserts n rows.
func (b *batch) statement(n int) string {
	if q, ok := b.sql[n]; ok {
		return q
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", b.cols), ",") + ")"
	q := b.verb + " INTO " + b.table + " VALUES " + strings.TrimSuffix(strings.Repeat(row+",", n), ",")
	b.sql[n] = q
	return q
}
