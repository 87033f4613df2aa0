package kb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tipster-cti/tipster/internal/ai/kb/index"
	"github.com/tipster-cti/tipster/internal/ai/offline"
	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

// EvalBundles are the files of the shared data directory that the
// question set is written over, relative to it.
var EvalBundles = []string{
	"attack-v14/ics-attack.json",
	"attack-v14/mobile-attack.json",
	"cti-documentation/apt1.json",
	"cti-documentation/poisonivy.json",
	"cti-documentation/defining-campaigns-threat-actors-intrusion-sets.json",
	"cti-documentation/sighting-of-observed-data.json",
	"cti-documentation/using-granular-markings.json",
	"cti-documentation/using-marking-definitions.json",
}

// PassageStore is a store that keeps the passage index in its database:
// the SQLite and PostgreSQL stores.
type PassageStore interface {
	store.Store
	Passages() index.Storage
}

// LoadEvalStore imports the EvalBundles of dataDir into a new SQLite
// store in dir and indexes it, returning a retriever over it without
// embeddings.
func LoadEvalStore(ctx context.Context, dataDir, dir string) (*sqlite.DB, *Retriever, error) {
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	r, err := LoadEval(ctx, db, dataDir)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, r, nil
}

// LoadEval imports the EvalBundles of dataDir into st, which should be
// empty, and indexes it, returning a retriever over it without embeddings.
func LoadEval(ctx context.Context, st PassageStore, dataDir string) (*Retriever, error) {
	for _, rel := range EvalBundles {
		if err := importFile(ctx, st, filepath.Join(dataDir, rel)); err != nil {
			return nil, err
		}
	}
	ix := index.New(st.Passages())
	if _, err := ix.Sync(ctx); err != nil {
		return nil, err
	}
	return NewRetriever(st, ix), nil
}

// NewRetriever returns a retriever over st and ix with the offline
// engine's lexicon of names and aliases, without embeddings.
func NewRetriever(st store.Store, ix *index.Index) *Retriever {
	lex := offline.NewLexiconCache(st)
	return &Retriever{Store: st, Index: ix, Lexicon: lex.Get}
}

func importFile(ctx context.Context, st store.Store, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("kb: open %s: %w", path, err)
	}
	defer f.Close()
	if _, err := ingest.Bundle(ctx, st, f, ingest.Options{}); err != nil {
		return fmt.Errorf("kb: import %s: %w", path, err)
	}
	return nil
}
