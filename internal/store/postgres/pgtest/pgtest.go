// Package pgtest gives tests an empty PostgreSQL store of their own: a
// fresh schema in the database named by TIPSTER_TEST_DATABASE_URL, dropped
// when the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	base := URL(t)
	ctx := context.Background()
	var b [6]byte
	rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvURL, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+name); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() { dropSchema(t, base, name) })
	return WithSearchPath(base, name)
}

func dropSchema(t testing.TB, base, name string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Errorf("drop test schema %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP SCHEMA `+name+` CASCADE`); err != nil {
		t.Errorf("drop test schema %s: %v", name, err)
	}
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
