package eval

import (
	"bytes"
	"os"
	"testing"
)

// dataDir is the shared data folder beside the checkout.
const dataDir = "../../../../shared/data"

func TestRunPrintsFiguresForTheSharedData(t *testing.T) {
	if _, err := os.Stat(dataDir); err != nil {
		t.Skipf("shared data not available at %s: %v", dataDir, err)
	}
	var buf bytes.Buffer
	if err := Run(&buf, dataDir); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + buf.String())
	for _, want := range []string{"== iocextract", "== ioc-finder", "== tram", "== annoctr", "precision"} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("output lacks %q", want)
		}
	}
}
