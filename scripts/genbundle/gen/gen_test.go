package gen

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/tipster-cti/tipster/internal/stix"
)

func TestEveryObjectIsValidSTIX(t *testing.T) {
	var buf bytes.Buffer
	st, err := Write(&buf, Config{Seed: 3, Objects: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if st.Objects != 5000 || st.Bytes != int64(buf.Len()) {
		t.Fatalf("stats %+v for %d bytes", st, buf.Len())
	}
	dec := stix.NewDecoder(&buf)
	n := 0
	for {
		it, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("object %d: %v", n, err)
		}
		o, err := stix.Parse(it.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if err := stix.Validate(o); err != nil {
			t.Fatalf("object %d is not valid: %v\n%s", n, err, it.Raw)
		}
		n++
	}
	if n != 5000 {
		t.Errorf("decoded %d objects, want 5000", n)
	}
	for _, typ := range []string{"indicator", "relationship", "report", "malware", "attack-pattern", "intrusion-set", "vulnerability"} {
		if st.ByType[typ] == 0 {
			t.Errorf("no %s among %v", typ, st.ByType)
		}
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	var a, b, c bytes.Buffer
	Write(&a, Config{Seed: 9, Objects: 300})
	Write(&b, Config{Seed: 9, Objects: 300})
	Write(&c, Config{Seed: 10, Objects: 300})
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same seed gave different bundles")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds gave the same bundle")
	}
}

func TestSizeLimit(t *testing.T) {
	var buf bytes.Buffer
	st, err := Write(&buf, Config{Seed: 1, Bytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if st.Bytes < 1<<20 || st.Bytes > 1<<20+64<<10 {
		t.Errorf("asked for 1 MiB, wrote %d bytes", st.Bytes)
	}
}
