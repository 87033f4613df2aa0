package index

import (
	"strings"
	"testing"
)

func TestSplitKeepsPiecesUnderTheLimitAndLosesNoWords(t *testing.T) {
	text := strings.Repeat("APT1 has used spearphishing with malicious attachments. ", 60) + "\n\nLast paragraph."
	pieces := Split(text, 300)
	var words int
	for _, p := range pieces {
		if len(p) > 300 {
			t.Errorf("piece of %d bytes, want at most 300", len(p))
		}
		words += len(strings.Fields(p))
	}
	if want := len(strings.Fields(text)); words != want {
		t.Errorf("pieces hold %d words, want %d", words, want)
	}
}

func TestDotMatchesASimpleLoopForEveryLength(t *testing.T) {
	for n := 0; n < 20; n++ {
		a, b := make([]float32, n), make([]float32, n)
		var want float32
		for i := range a {
			a[i], b[i] = float32(i)+0.5, float32(n-i)
			want += a[i] * b[i]
		}
		if got := dot(a, b); got != want {
			t.Errorf("dot of length %d = %v, want %v", n, got, want)
		}
	}
}
