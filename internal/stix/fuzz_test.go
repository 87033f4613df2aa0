package stix

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzDecoder feeds arbitrary bytes to the bundle decoder, then each object
// it yields to Parse, Validate and Upgrade: none may panic, and the decoder
// must end with io.EOF or an error, never loop.
func FuzzDecoder(f *testing.F) {
	for _, seed := range []string{
		`{"type":"bundle","id":"bundle--6a3f6490-9c44-40de-b059-e5940f246673","objects":[` + validIdentity + `}]}`,
		`[` + validIdentity + `}]`,
		validIdentity + `}`,
		`{"type":"bundle","spec_version":"2.0","objects":[{"type":"malware","id":"malware--2485b844-4efe-4343-84c8-eb33312dd56f","created":"2016-01-01T00:00:00Z","modified":"2016-01-01T00:00:00Z","labels":["x"]}]}`,
		`{"objects":[1,2]}`, `[`, `{"type":"identity",, }`, `"text"`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data))
		for i := 0; i <= len(data)+1; i++ {
			it, err := d.Next()
			if errors.Is(err, io.EOF) || err != nil {
				return
			}
			o, err := Parse(it.Raw)
			if err != nil {
				continue
			}
			if NeedsUpgrade(o) {
				if o, err = Upgrade(o); err != nil {
					continue
				}
			}
			Validate(o)
		}
		t.Fatalf("decoder yielded more objects than there are bytes")
	})
}

// FuzzValidate checks that Parse and Validate never panic on any object.
func FuzzValidate(f *testing.F) {
	f.Add([]byte(validIdentity + `}`))
	f.Add([]byte(`{"type":"relationship","id":"relationship--1","source_ref":5,"target_ref":["x"]}`))
	f.Add([]byte(`{"type":"x-custom","id":"x-custom--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","a_refs":[null,"b"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Parse(data)
		if err != nil {
			return
		}
		if err := Validate(o); err == nil && o.ID.Type() != o.Type {
			t.Fatalf("valid object whose id %q does not match type %q", o.ID, o.Type)
		}
		if _, err := AddMarking(o, TLPRed.MarkingID()); err != nil && o.Has("object_marking_refs") {
			return
		}
	})
}
