// Package pgtest gives tests an empty PostgreSQL store of their own: a
// fresh schema in the database named by TIPSTER_TEST_DATABASE_URL, dropped
// when the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tipster-cti/tipster/internal/store/postgres"
)

// EnvURL is the environment variable that names the test database.
const EnvURL = "TIPSTER_TEST_DATABASE_URL"

// URL returns the test database's URL, skipping the test when it is unset.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Skip(EnvURL + " is not set, so the PostgreSQL tests did not run. CI always sets it; " +
			"locally run: vars=$(scripts/postgres-test) && export $vars")
	}
	return u
}

// Schema creates a schema with a random name, dropped when the test ends,
// and returns the URL of the test database with that schema as its
// search_path.
func Schema(t testing.TB) string {
	t.Helper()
	u, drop, err := TempSchema(context.Background(), URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Error(err)
		}
	})
	return u
}

// TempSchema creates a schema with a random name in the database at base,
// for fixtures that outlive one test; it returns base with that schema as
// its search_path, and the function that drops the schema.
func TempSchema(ctx context.Context, base string) (u string, drop func() error, err error) {
	var b [6]byte
	rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	if err := exec(ctx, base, `CREATE SCHEMA `+name); err != nil {
		return "", nil, fmt.Errorf("create test schema: %w", err)
	}
	drop = func() error {
		if err := exec(context.Background(), base, `DROP SCHEMA `+name+` CASCADE`); err != nil {
			return fmt.Errorf("drop test schema %s: %w", name, err)
		}
		return nil
	}
	return WithSearchPath(base, name), drop, nil
}

// exec runs one statement on a connection of its own.
func exec(ctx context.Context, base, sql string) error {
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// WithSearchPath returns the connection string base with the search_path
// set to schema, in URL or key=value form as base is.
func WithSearchPath(base, schema string) string {
	if strings.HasPrefix(base, "postgres://") || strings.HasPrefix(base, "postgresql://") {
		u, err := url.Parse(base)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return base + " search_path=" + schema
}

// New opens an empty store in a fresh schema; the store is closed and the
// schema dropped when the test ends.
func New(t testing.TB) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
