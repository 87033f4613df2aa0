package cli

import (
	"context"

	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/postgres"
)

func init() {
	openPostgres = func(ctx context.Context, url string) (store.Store, error) {
		return postgres.Open(ctx, url)
	}
}
