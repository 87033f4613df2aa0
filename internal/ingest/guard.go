package ingest

import (
	"context"
	"errors"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// guard tells why writer may not import o, "" when they may. An object the
// writer cannot see may not be replaced by them: otherwise an analyst
// cleared for TLP:GREEN could overwrite, and so declassify, a TLP:RED
// object by importing a newer version of its id without a marking.
func guard(ctx context.Context, st store.Store, writer *store.Viewer, o *stix.Object) (string, error) {
	if writer == nil || writer.Clearance >= stix.TLPRed {
		return "", nil
	}
	_, err := st.Get(ctx, *writer, o.ID)
	if err == nil {
		return "", nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	_, err = st.Get(ctx, store.LocalAdmin, o.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", nil
	case err != nil:
		return "", err
	}
	return "not permitted: an object with this id is stored above your clearance", nil
}

// markingKnown reports whether a marking definition with id is stored.
func markingKnown(ctx context.Context, st store.Store, id stix.ID) bool {
	_, err := st.Get(ctx, store.LocalAdmin, id)
	return err == nil
}
