package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrations embed.FS

// lockClass is the first key of Tipster's advisory locks; the second is a
// hash of the schema and the purpose, so that stores in different schemas
// of one database do not wait for each other.
const lockClass = 0x7469

// lockKey is the SQL of the second key of the advisory lock named purpose.
func lockKey(purpose string) string {
	return `hashtext(coalesce(current_schema(), '') || ':` + purpose + `')`
}

// migrate applies, in order, each embedded migration not yet recorded in
// schema_migrations, each in its own transaction, while holding an advisory
// lock so that servers starting at once apply each migration once.
func (d *DB) migrate(ctx context.Context) error {
	conn, err := d.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, `+lockKey("migrate")+`)`, lockClass); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	defer unlock(conn)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("postgres: migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := path.Base(name)
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("postgres: migration %s: name must start with a number", base)
		}
		if err := apply(ctx, conn, version, name); err != nil {
			return err
		}
	}
	return nil
}

// unlock releases the migration lock; a connection that cannot release it
// is closed, which releases it too.
func unlock(conn *pgxpool.Conn) {
	ctx := context.Background()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1, `+lockKey("migrate")+`)`, lockClass); err != nil {
		conn.Conn().Close(ctx)
	}
}

func apply(ctx context.Context, conn *pgxpool.Conn, version int, name string) error {
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
		return fmt.Errorf("postgres: read migrations: %w", err)
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migration %d: %w", version, err)
	}
	defer tx.Rollback(context.Background())
	// Without arguments, Exec uses the simple protocol, which runs every
	// statement of the file.
	if _, err := tx.Exec(ctx, string(body)); err != nil {
		return fmt.Errorf("postgres: migration %s: %w", path.Base(name), err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, version, path.Base(name)); err != nil {
		return fmt.Errorf("postgres: record migration %d: %w", version, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: migration %d: %w", version, err)
	}
	return nil
}
