package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

// storeSettings are the settings of every command that opens the store.
var storeSettings = []string{"APP__DATA_DIR", "DATABASE__URL"}

// openPostgres opens a PostgreSQL store; set by postgres.go when that
// backend is built in.
var openPostgres func(ctx context.Context, url string) (store.Store, error)

// openStore opens PostgreSQL when DATABASE__URL is set, otherwise SQLite in
// the data directory.
func openStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	if url := cfg.Get("DATABASE__URL"); url != "" {
		if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
			return nil, fmt.Errorf("DATABASE__URL must start with postgres:// (got %q)", redactURL(url))
		}
		if openPostgres == nil {
			return nil, errors.New("this build has no PostgreSQL backend")
		}
		return openPostgres(ctx, url)
	}
	return sqlite.Open(ctx, cfg.Get("APP__DATA_DIR"))
}

// redactURL hides the password of a database URL.
func redactURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return "(unparseable)"
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if user, _, ok := strings.Cut(rest[:at], ":"); ok {
			return scheme + "://" + user + ":xxxxx" + rest[at:]
		}
	}
	return u
}
