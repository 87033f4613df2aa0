package offline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvaluateOnRealReports(t *testing.T) {
	if _, err := os.Stat(filepath.Join(sharedData, "tram", "mjson")); err != nil {
		t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	var out strings.Builder
	if err := Evaluate(&out, sharedData); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	sets := strings.Count(out.String(), "fix-spelling: ")
	if sets == 0 {
		t.Fatal("no data set was evaluated")
	}
	if clean := strings.Count(out.String(), "edits touching an indicator or id: 0 ("); clean != sets {
		t.Errorf("fix-spelling touched an indicator or id in %d of %d data sets", sets-clean, sets)
	}
}
