package migrate

import (
	"context"
	"errors"
	"fmt"

	"github.com/tipster-cti/tipster/internal/store"
)

// copyDocuments copies the document of every report that has one.
func copyDocuments(ctx context.Context, from, to store.Store, rep *Report) error {
	q := everything
	q.Types = []string{"report"}
	for {
		page, err := from.Search(ctx, store.LocalAdmin, q)
		if err != nil {
			return fmt.Errorf("migrate: list source reports: %w", err)
		}
		for _, r := range page.Objects {
			doc, err := from.GetDocument(ctx, store.LocalAdmin, r.ID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("migrate: read document of %s: %w", r.ID, err)
			}
			if err := to.PutDocument(ctx, *doc); err != nil {
				return fmt.Errorf("migrate: copy document of %s: %w", r.ID, err)
			}
			rep.Documents++
		}
		if page.Next == "" {
			return nil
		}
		q.Cursor = page.Next
	}
}
