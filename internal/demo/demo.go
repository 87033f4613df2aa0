// Package demo holds the real sample intelligence that `tipster demo`
// loads: the OASIS APT1 and Poison Ivy reports and MITRE ATT&CK for ICS.
package demo

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/store"
)

//go:embed data
var files embed.FS

// Files lists the sample bundles, in import order.
var Files = []string{"data/ics-attack.json", "data/apt1.json", "data/poisonivy.json"}

// Notice is the licence notice of the sample data.
func Notice() string {
	b, _ := fs.ReadFile(files, "data/NOTICE.md")
	return string(b)
}

// Load imports the samples into st; importing them again changes nothing.
func Load(ctx context.Context, st store.Store) (ingest.Summary, error) {
	var total ingest.Summary
	for _, name := range Files {
		f, err := files.Open(name)
		if err != nil {
			return total, err
		}
		sum, err := ingest.Bundle(ctx, st, f, ingest.Options{Source: name})
		f.Close()
		if err != nil {
			return total, fmt.Errorf("demo: import %s: %w", name, err)
		}
		total.Add(sum)
	}
	return total, nil
}
