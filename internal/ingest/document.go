package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tipster-cti/tipster/internal/document"
	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// DocumentOptions tune a document import.
type DocumentOptions struct {
	Marking *stix.TLP        // TLP of the report and what is extracted from it
	Lexicon *extract.Lexicon // names and aliases from the knowledge base; nil finds ATT&CK ids only
	Now     func() time.Time // clock, for tests; time.Now by default
	Parse   document.Options // bounds on the document reader
	Writer  *store.Viewer    // who imports; nil is the local administrator
}

// ErrNotPermitted is returned when a document maps to a report stored above
// the importer's clearance.
var ErrNotPermitted = errors.New("not permitted")

// DocumentResult is what a document import made.
type DocumentResult struct {
	ReportID   stix.ID `json:"report_id"`
	Name       string  `json:"name"`
	Format     string  `json:"format"`
	Indicators int     `json:"indicators"`
	Entities   int     `json:"entities"`
	Updated    bool    `json:"updated"`
	Unchanged  bool    `json:"unchanged"`
	Summary    Summary `json:"summary"`
}

// extraction records where in the text one thing was found.
type extraction struct {
	Ref   stix.ID  `json:"ref,omitempty"`
	Kind  string   `json:"kind"`
	Value string   `json:"value"`
	Spans [][2]int `json:"spans"`
	Flags []string `json:"flags,omitempty"`
}

// Document turns one document (text, Markdown, HTML or PDF, told apart by
// content) into a draft STIX report: the report holds the observables and
// indicators found in the text, the vulnerabilities it names, and the
// knowledge-base entities it mentions, each extraction with its place in
// the text. The readable text and the original file are kept with the
// report. The same file imported again updates the same report.
func Document(
	ctx context.Context,
	st store.Store,
	r io.Reader,
	name string,
	opt DocumentOptions,
) (DocumentResult, error) {
	var res DocumentResult
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	limit := opt.Parse.MaxBytes
	if limit <= 0 {
		limit = document.DefaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return res, fmt.Errorf("read %s: %w", name, err)
	}
	doc, err := document.Parse(ctx, bytes.NewReader(data), name, opt.Parse)
	if err != nil {
		return res, fmt.Errorf("%w: %w", ErrInput, err)
	}
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	found := extract.Extract(doc.Text, opt.Lexicon)
	b := &reportBuilder{now: now().UTC(), digest: digest}
	b.indicators(found.Indicators)
	b.entities(found.Entities)
	reportID := stix.ID("report--" + uuid5(digest))
	existing, err := st.Get(ctx, store.LocalAdmin, reportID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return res, err
	}
	if existing != nil {
		if opt.Writer != nil && existing.EffectiveTLP > opt.Writer.Clearance {
			return res, fmt.Errorf(
				"%w: a report made from this file is stored above your clearance",
				ErrNotPermitted,
			)
		}
		// Importing the file again never lowers the report's marking.
		if opt.Marking == nil || *opt.Marking < existing.TLP {
			level := existing.TLP
			opt.Marking = &level
		}
	}
	report, changed := b.report(reportID, doc, name, existing)
	res = DocumentResult{ReportID: reportID, Name: doc.Title, Format: string(doc.Format),
		Indicators: len(
			found.Indicators,
		), Entities: countKnown(found.Entities), Updated: existing != nil && changed,
		Unchanged: existing != nil && !changed}
	if changed {
		objs := append(b.objects, report)
		bundle, err := json.Marshal(objs)
		if err != nil {
			return res, err
		}
		if res.Summary, err = Bundle(ctx, st, bytes.NewReader(bundle), Options{Marking: opt.Marking, Source: name, Writer: opt.Writer}); err != nil {
			return res, err
		}
		if len(res.Summary.Skipped) > 0 {
			return res, fmt.Errorf(
				"document %s: extracted object refused: %s",
				name,
				res.Summary.Skipped[0].Reason,
			)
		}
	}
	err = st.PutDocument(ctx, store.Document{ReportID: reportID, FileName: name, MediaType: doc.MediaType,
		SHA256: digest, Text: doc.Text, Original: data, Created: now().UTC()})
	return res, err
}

func countKnown(es []extract.Entity) int {
	n := 0
	for _, e := range es {
		if e.ID != "" {
			n++
		}
	}
	return n
}

// reportBuilder collects the STIX objects made from one document.
type reportBuilder struct {
	now         time.Time
	digest      string
	objects     []json.RawMessage
	refs        []stix.ID
	extractions []extraction
}

func (b *reportBuilder) add(v any, id stix.ID) {
	raw, _ := json.Marshal(v)
	b.objects = append(b.objects, raw)
	b.refs = append(b.refs, id)
}

func spans(ss []extract.Span) [][2]int {
	out := make([][2]int, len(ss))
	for i, s := range ss {
		out[i] = [2]int{s.Start, s.End}
	}
	return out
}

// stamp is the fixed creation time of objects whose id is derived from
// their content, so that importing them again is a no-op.
const stamp = "2000-01-01T00:00:00.000Z"

func (b *reportBuilder) indicators(ins []extract.Indicator) {
	for _, in := range ins {
		ex := extraction{Kind: string(in.Kind), Value: in.Value, Spans: spans(in.Spans), Flags: in.Flags}
		if in.Kind == extract.CVE {
			id := stix.ID("vulnerability--" + uuid5("vulnerability|"+in.Value))
			b.add(map[string]any{"type": "vulnerability", "spec_version": "2.1", "id": id, "created": stamp,
				"modified": stamp, "name": in.Value,
				"external_references": []map[string]string{
					{"source_name": "cve", "external_id": in.Value},
				}}, id)
			ex.Ref = id
			b.extractions = append(b.extractions, ex)
			continue
		}
		pattern := in.Pattern()
		if pattern == "" {
			b.extractions = append(b.extractions, ex)
			continue
		}
		id := stix.ID("indicator--" + uuid5("indicator|"+pattern))
		ind := map[string]any{"type": "indicator", "spec_version": "2.1", "id": id, "created": stamp,
			"modified": stamp, "name": in.Value, "pattern": pattern, "pattern_type": "stix",
			"valid_from": stamp, "indicator_types": []string{"unknown"}}
		if len(in.Flags) > 0 {
			ind["labels"] = in.Flags
		}
		b.add(ind, id)
		ex.Ref = id
		b.extractions = append(b.extractions, ex)
	}
}

func (b *reportBuilder) entities(es []extract.Entity) {
	for _, e := range es {
		ex := extraction{Kind: e.Kind, Value: e.Name, Spans: spans(e.Spans)}
		if ex.Value == "" {
			ex.Value = e.ExternalID
		}
		if e.ID != "" {
			ex.Ref = stix.ID(e.ID)
			b.refs = append(b.refs, ex.Ref)
		}
		b.extractions = append(b.extractions, ex)
	}
}

// report builds the report object; changed is false when an existing
// report already holds the same references and extractions.
func (b *reportBuilder) report(
	id stix.ID,
	doc *document.Document,
	name string,
	existing *store.Stored,
) (json.RawMessage, bool) {
	refs := dedupe(b.refs)
	if len(refs) == 0 {
		refs = []stix.ID{importerIdentity}
		b.add(
			map[string]any{
				"type":           "identity",
				"spec_version":   "2.1",
				"id":             importerIdentity,
				"created":        stamp,
				"modified":       stamp,
				"name":           "Tipster document import",
				"identity_class": "system",
			},
			importerIdentity,
		)
	}
	created := b.now.Format(time.RFC3339Nano)
	published := created
	if !doc.Published.IsZero() {
		published = doc.Published.UTC().Format(time.RFC3339Nano)
	}
	rep := map[string]any{"type": "report", "spec_version": "2.1", "id": id, "created": created,
		"modified": created, "name": doc.Title, "published": published, "report_types": []string{"threat-report"},
		"description": abstract(doc.Text), "object_refs": refs, "labels": []string{"draft"},
		"x_tipster_source": map[string]any{
			"file_name":  name,
			"media_type": doc.MediaType,
			"sha256":     b.digest,
			"pages":      doc.Pages,
		},
		"x_tipster_extractions": b.extractions,
	}
	if existing != nil {
		rep["created"] = existing.Created.UTC().Format(time.RFC3339Nano)
		if doc.Published.IsZero() {
			rep["published"] = existing.Published.UTC().Format(time.RFC3339Nano)
		}
		if sameContent(existing.Raw, rep) {
			return nil, false
		}
		if !b.now.After(existing.Version()) {
			rep["modified"] = existing.Version().Add(time.Millisecond).UTC().Format(time.RFC3339Nano)
		}
	}
	raw, _ := json.Marshal(rep)
	return raw, true
}

// importerIdentity stands in object_refs of a report in which nothing was
// found, since STIX requires at least one reference.
const importerIdentity = stix.ID("identity--3f4b6c1e-2a7d-5e8f-9a0b-1c2d3e4f5a6b")

// sameContent compares what extraction produces, ignoring timestamps and
// markings (which the store's versioning handles).
func sameContent(raw []byte, rep map[string]any) bool {
	var old, fresh map[string]any
	b, _ := json.Marshal(rep)
	if json.Unmarshal(raw, &old) != nil || json.Unmarshal(b, &fresh) != nil {
		return false
	}
	for _, k := range []string{"object_refs", "x_tipster_extractions", "name", "description", "published"} {
		if !reflect.DeepEqual(old[k], fresh[k]) {
			return false
		}
	}
	return true
}

func dedupe(ids []stix.ID) []stix.ID {
	seen := map[stix.ID]bool{}
	var out []stix.ID
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// abstract is the first paragraph of the text, at most 600 characters.
func abstract(text string) string {
	para := strings.TrimSpace(text)
	for _, p := range strings.Split(para, "\n\n") {
		if p = strings.TrimSpace(p); len(p) > 80 {
			para = p
			break
		}
	}
	if len(para) <= 600 {
		return para
	}
	cut := 600
	for cut > 0 && !utf8.RuneStart(para[cut]) {
		cut--
	}
	return para[:cut] + "…"
}

// uuid5 returns a name-based UUID (RFC 4122 version 5, SHA-1) for name in
// Tipster's namespace, so that the same name always gives the same id.
func uuid5(name string) string {
	ns := [16]byte{
		0x6f,
		0x1c,
		0x5a,
		0x2e,
		0x8d,
		0x41,
		0x4b,
		0x2a,
		0x9e,
		0x37,
		0x0c,
		0x55,
		0xd1,
		0x8a,
		0x3b,
		0x72,
	}
	h := sha1Sum(append(ns[:], name...))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
