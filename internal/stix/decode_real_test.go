package stix

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

const sharedData = "../../../shared/data"

// decodeFile reads every object of a file, validating each, and returns the
// counts of valid objects and the reasons of the invalid ones.
func decodeFile(t *testing.T, path string) (valid int, reasons []string, err error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("real data not available (%v); it lives in ../shared beside the checkout", err)
	}
	defer f.Close()
	d := NewDecoder(f)
	for {
		it, err := d.Next()
		if errors.Is(err, io.EOF) {
			return valid, reasons, nil
		}
		if err != nil {
			return valid, reasons, err
		}
		o, err := Parse(it.Raw)
		if err == nil && NeedsUpgrade(o) {
			o, err = Upgrade(o)
		}
		if err == nil {
			err = Validate(o)
		}
		if err != nil {
			reasons = append(reasons, err.Error())
			continue
		}
		valid++
	}
}

func TestRealBundlesDecodeAndValidate(t *testing.T) {
	cases := []struct {
		file    string
		valid   int
		invalid int // objects STIX 2.1 forbids, found in the published file
	}{
		{"attack-v14/ics-attack.json", 1794, 0},
		// One revoked-by relationship in ATT&CK Mobile v14 has modified
		// (2018-04-30) before created (2018-10-17).
		{"attack-v14/mobile-attack.json", 2186, 1},
		{"cti-documentation/apt1.json", 76, 0},
		{"cti-documentation/poisonivy.json", 155, 0},
		{"tram/attack-stix20/pre-attack.json", 268, 0},
		{"cti-python-stix2/sco-examples-bundle.json", 82, 0},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			valid, reasons, err := decodeFile(t, filepath.Join(sharedData, c.file))
			if err != nil {
				t.Fatal(err)
			}
			if valid != c.valid || len(reasons) != c.invalid {
				t.Errorf("valid = %d, want %d; invalid = %v, want %d", valid, c.valid, reasons, c.invalid)
			}
		})
	}
}
