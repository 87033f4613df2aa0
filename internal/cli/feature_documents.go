package cli

import (
	"context"
	"io"
	"path/filepath"

	"github.com/tipster-cti/tipster/internal/ai/offline"
	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// cliLexicons keeps the lexicon between the documents of one import
// command, which opens a single store.
var cliLexicons *offline.LexiconCache

func init() {
	features = append(
		features,
		feature{name: "documents", order: 30, setup: func(ctx context.Context, a *app) error {
			lexicons := offline.NewLexiconCache(a.Store)
			a.API.EnableDocuments(func(ctx context.Context, v store.Viewer) (*extract.Lexicon, error) {
				return lexicons.Get(ctx, v)
			})
			return nil
		}},
	)
	importDocument = func(ctx context.Context, st store.Store, path string, r io.Reader, marking *stix.TLP) (docResult, error) {
		if cliLexicons == nil {
			cliLexicons = offline.NewLexiconCache(st)
		}
		lex, err := cliLexicons.Get(ctx, store.LocalAdmin)
		if err != nil {
			return docResult{}, err
		}
		res, err := ingest.Document(
			ctx,
			st,
			r,
			filepath.Base(path),
			ingest.DocumentOptions{Marking: marking, Lexicon: lex},
		)
		if err != nil {
			return docResult{}, err
		}
		return docResult{ReportID: res.ReportID, Name: res.Name, Indicators: res.Indicators,
			Entities: res.Entities, Updated: res.Updated, Unchanged: res.Unchanged}, nil
	}
}
