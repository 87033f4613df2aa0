package kb

import (
	"bytes"
	"os"
	"testing"
)

// sharedData is the real data beside the checkout, from this directory.
const sharedData = "../../../../shared/data"

func TestEvaluateOnTheSharedData(t *testing.T) {
	if _, err := os.Stat(sharedData); err != nil {
		t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	var out bytes.Buffer
	if err := EvaluateOn(ctx, &out, openStore(t), sharedData); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
}
