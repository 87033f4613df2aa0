package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// batch collects rows for one table and writes them with multi-row INSERT
// statements: one statement per many rows costs far less than one per row.
type batch struct {
	table string // "table (col, ...)"
	cols  int
	rows  []any // flattened values, cols per row
	stmts map[int]*sql.Stmt
}

// maxParams stays under SQLite's limit of 32,766 bound parameters.
const maxParams = 30000

func newBatch(table string, cols int) *batch {
	return &batch{table: table, cols: cols, stmts: map[int]*sql.Stmt{}}
}

func (b *batch) add(vals ...any) { b.rows = append(b.rows, vals...) }

func (b *batch) len() int { return len(b.rows) / b.cols }

// flush writes the collected rows within tx.
func (b *batch) flush(ctx context.Context, tx *sql.Tx) error {
	perStmt := maxParams / b.cols
	for len(b.rows) > 0 {
		n := min(b.len(), perStmt)
		st, err := b.stmt(ctx, tx, n)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, b.rows[:n*b.cols]...); err != nil {
			return fmt.Errorf("sqlite: insert into %s: %w", b.table, err)
		}
		b.rows = b.rows[n*b.cols:]
	}
	b.rows = b.rows[:0]
	return nil
}

func (b *batch) stmt(ctx context.Context, tx *sql.Tx, n int) (*sql.Stmt, error) {
	if st, ok := b.stmts[n]; ok {
		return st, nil
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", b.cols), ",") + ")"
	q := "INSERT INTO " + b.table + " VALUES " + strings.TrimSuffix(strings.Repeat(row+",", n), ",")
	if strings.HasPrefix(b.table, "touched") || strings.HasPrefix(b.table, "markings") {
		q = strings.Replace(q, "INSERT", "INSERT OR REPLACE", 1)
	}
	st, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("sqlite: prepare insert into %s: %w", b.table, err)
	}
	b.stmts[n] = st
	return st, nil
}

func (b *batch) close() {
	for _, st := range b.stmts {
		st.Close()
	}
}
