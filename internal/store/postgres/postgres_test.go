package postgres_test

import (
	"testing"

	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/postgres/pgtest"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return pgtest.New(t) })
}
