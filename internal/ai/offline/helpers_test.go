package offline

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
)

// sharedData is the real data beside the checkout, relative to this
// package's folder.
const sharedData = "../../../../shared/data"

// kbFiles are the bundles of the test knowledge base, under sharedData.
var kbFiles = []string{
	"attack-v14/ics-attack.json",
	"attack-v14/mobile-attack.json",
	"cti-documentation/apt1.json",
	"cti-documentation/poisonivy.json",
}

var kbOnce struct {
	sync.Once
	st  store.Store
	err error
	dir string
}

// TestMain removes the shared test knowledge base after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if kbOnce.st != nil {
		kbOnce.st.Close()
		os.RemoveAll(kbOnce.dir)
	}
	os.Exit(code)
}

// testKB returns a SQLite store holding ATT&CK ICS and Mobile and the
// APT1 and Poison Ivy reports, built once per test run. It skips the test
// when the shared data is absent.
func testKB(t testing.TB) store.Store {
	t.Helper()
	for _, f := range kbFiles {
		if _, err := os.Stat(filepath.Join(sharedData, f)); err != nil {
			t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
		}
	}
	kbOnce.Do(func() {
		kbOnce.dir, kbOnce.err = os.MkdirTemp("", "offline-kb-")
		if kbOnce.err != nil {
			return
		}
		kbOnce.st, kbOnce.err = loadKB(context.Background(), kbOnce.dir, sharedData)
	})
	if kbOnce.err != nil {
		t.Fatalf("build the test knowledge base: %v", kbOnce.err)
	}
	return kbOnce.st
}

// loadKB opens a store in dir and imports the kbFiles found under data.
func loadKB(ctx context.Context, dir, data string) (store.Store, error) {
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	for _, f := range kbFiles {
		r, err := os.Open(filepath.Join(data, f))
		if err != nil {
			st.Close()
			return nil, err
		}
		_, err = ingest.Bundle(ctx, st, r, ingest.Options{Source: f})
		r.Close()
		if err != nil {
			st.Close()
			return nil, err
		}
	}
	return st, nil
}

// tramText returns the text of one TRAM report, skipping the test when
// the shared data is absent.
func tramText(t testing.TB, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(sharedData, "tram/mjson", name+".mjson"))
	if err != nil {
		t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	var doc struct {
		Signal string `json:"signal"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return doc.Signal
}
