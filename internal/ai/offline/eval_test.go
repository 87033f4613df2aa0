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
}
