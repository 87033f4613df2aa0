// Package postgres is the server store: the same knowledge base as the
// SQLite backend, in a PostgreSQL database that several Tipster servers may
// share. It keeps no state between calls in memory, so any number of
// processes can read and write one database; imports are serialized by a
// transaction-level advisory lock, and migrations by a session-level one.
// Any new code that writes the objects table must take the import lock
// too (see Import): an import trusts the versions it read at its start.
package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tipster-cti/tipster/internal/stix"
)

// DB is the PostgreSQL store. It implements store.Store.
type DB struct {
	pool *pgxpool.Pool
}

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string; a search_path parameter selects the schema), applies
// pending migrations and makes sure the standard TLP marking definitions
// are stored.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: connection settings: %w", err)
	}
	// The store's statements are short; compiling them with JIT costs more
	// (50 to 100 ms each, far more on a busy machine) than it ever saves.
	if _, ok := cfg.ConnConfig.RuntimeParams["jit"]; !ok {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	d := &DB{pool: pool}
	if err := d.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := d.seedMarkings(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return d, nil
}

// Pool returns the connection pool, for the other stores of this backend
// (users, audit, passages) that share its database.
func (d *DB) Pool() *pgxpool.Pool { return d.pool }

// Close closes every connection; it is safe to call more than once.
func (d *DB) Close() error {
	d.pool.Close()
	return nil
}

// seedMarkings makes sure the standard TLP marking definitions are stored,
// so that they can be shown and exported like any other object.
func (d *DB) seedMarkings(ctx context.Context) error {
	imp, err := d.Import(ctx)
	if err != nil {
		return err
	}
	defer imp.Rollback()
	for _, raw := range stix.BuiltinMarkings() {
		o, err := stix.Parse(raw)
		if err != nil {
			return fmt.Errorf("postgres: builtin marking: %w", err)
		}
		if _, err := imp.Put(ctx, o); err != nil {
			return err
		}
	}
	_, err = imp.Commit(ctx)
	return err
}
