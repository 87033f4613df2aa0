// Package ingest holds Tipster's import pipelines: STIX bundles (decode,
// validate, upgrade, version, summarise) and documents turned into reports.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Skip is an object that was not imported, and why.
type Skip struct {
	Index  int    `json:"index"`
	ID     string `json:"id"`
	Reason string `json:"reason"`
	Source string `json:"source,omitempty"` // the file it came from, when importing several
}

// Summary counts what an import did.
type Summary struct {
	Created      int           `json:"created"`
	Updated      int           `json:"updated"`
	Unchanged    int           `json:"unchanged"`
	Skipped      []Skip        `json:"skipped"`
	DanglingRefs int           `json:"dangling_refs"`
	Upgraded     int           `json:"upgraded_from_stix20"`
	Duration     time.Duration `json:"-"`
}

// Objects is the number of objects read, imported or not.
func (s Summary) Objects() int { return s.Created + s.Updated + s.Unchanged + len(s.Skipped) }

// Add accumulates another summary into s.
func (s *Summary) Add(o Summary) {
	s.Created += o.Created
	s.Updated += o.Updated
	s.Unchanged += o.Unchanged
	s.Skipped = append(s.Skipped, o.Skipped...)
	s.DanglingRefs += o.DanglingRefs
	s.Upgraded += o.Upgraded
	s.Duration += o.Duration
}

// Options tune an import.
type Options struct {
	// Marking, when set, is added to every object that carries no TLP
	// marking of its own; objects already marked keep their level.
	Marking *stix.TLP
	// Progress, when set, is called now and then with the input bytes read.
	Progress func(bytesRead int64)
	// Source names the input in skip records ("" for none).
	Source string
	// Writer is who imports. Objects stored above the writer's clearance
	// are never replaced by their import: they are skipped. Nil means the
	// local administrator, who may replace anything.
	Writer *store.Viewer
}

// MaxObjectBytes is the largest single object imported: 16 MiB. Larger
// objects are skipped with a reason; they make every listing slow.
const MaxObjectBytes = 16 << 20

// ErrInput is wrapped by errors that come from the input, not the store:
// JSON that is not well formed, or JSON that holds no STIX objects.
var ErrInput = errors.New("bad input")

// Bundle imports the STIX objects read from r (a bundle, a bare array, a
// single object, or several concatenated) in one transaction. Invalid
// objects are skipped and listed; input that is not JSON fails the whole
// import, and then nothing from r is written.
func Bundle(ctx context.Context, st store.Store, r io.Reader, opt Options) (Summary, error) {
	start := time.Now()
	var sum Summary
	imp, err := st.Import(ctx)
	if err != nil {
		return sum, err
	}
	defer imp.Rollback()
	known, err := st.MarkingLevels(ctx)
	if err != nil {
		return sum, err
	}
	// Decoding and validation run in their own goroutine, ahead of the
	// store's writes, so that both cores work on a large import.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	dec := stix.NewDecoder(r)
	items := make(chan prepared, 256)
	go decodeAll(ctx, dec, opt, known, items)
	// Objects go to the store in batches of what decoding has ready, so
	// that the store can look up their stored versions together.
	var objs []*stix.Object
	var outs []store.Outcome
	put := func() error {
		outs = slices.Grow(outs[:0], len(objs))[:len(objs)]
		if err := store.PutAll(ctx, imp, objs, outs); err != nil {
			return err
		}
		for _, out := range outs {
			sum.count(out)
		}
		clear(objs) // drop the references before the next batch
		objs = objs[:0]
		return nil
	}
	for it := range items {
		if it.err != nil {
			// The summary counts what came before the error, as without
			// batches; it is all rolled back.
			if err := put(); err != nil {
				return sum, err
			}
			return sum, it.err
		}
		if it.reason != "" {
			sum.Skipped = append(
				sum.Skipped,
				Skip{Index: it.index, ID: idOf(it.o), Reason: it.reason, Source: opt.Source},
			)
			continue
		}
		if reason, err := guard(ctx, st, opt.Writer, it.o); err != nil {
			return sum, err
		} else if reason != "" {
			sum.Skipped = append(sum.Skipped, Skip{Index: it.index, ID: idOf(it.o), Reason: reason, Source: opt.Source})
			continue
		} else if it.o.Type == "marking-definition" && markingKnown(ctx, st, it.o.ID) {
			// Marking definitions cannot be versioned (STIX 2.1, 7.2.1):
			// a changed copy of a known one must not change its level.
			sum.Unchanged++
			continue
		}
		if it.upgraded {
			sum.Upgraded++
		}
		objs = append(objs, it.o)
		if len(objs) == putBatch || len(items) == 0 {
			if err := put(); err != nil {
				return sum, err
			}
		}
	}
	if err := put(); err != nil {
		return sum, err
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	stats, err := imp.Commit(ctx)
	if err != nil {
		return sum, err
	}
	sum.DanglingRefs = stats.DanglingRefs
	sum.Duration = time.Since(start)
	return sum, nil
}

// putBatch is the most objects handed to the store at once.
const putBatch = 256

// prepared is one decoded object on its way to the store, or the error
// that ended decoding.
type prepared struct {
	index    int
	o        *stix.Object
	upgraded bool
	reason   string
	err      error
}

// decodeAll reads, upgrades, marks and validates every object of dec and
// sends it on out, which it closes at the end.
func decodeAll(
	ctx context.Context,
	dec *stix.Decoder,
	opt Options,
	known map[stix.ID]stix.TLP,
	out chan<- prepared,
) {
	defer close(out)
	send := func(p prepared) bool {
		select {
		case out <- p:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for n := 0; ; n++ {
		if n%1024 == 0 && opt.Progress != nil {
			opt.Progress(dec.InputOffset())
		}
		it, err := dec.Next()
		if errors.Is(err, io.EOF) {
			if opt.Progress != nil {
				opt.Progress(dec.InputOffset())
			}
			return
		}
		if err != nil {
			send(prepared{err: fmt.Errorf("%w: %w", ErrInput, err)})
			return
		}
		o, upgraded, reason := prepare(it, opt.Marking, known)
		if !send(prepared{index: it.Index, o: o, upgraded: upgraded, reason: reason}) {
			return
		}
	}
}

func (s *Summary) count(o store.Outcome) {
	switch o {
	case store.Created:
		s.Created++
	case store.Updated:
		s.Updated++
	default:
		s.Unchanged++
	}
}

func idOf(o *stix.Object) string {
	if o == nil {
		return ""
	}
	return string(o.ID)
}

// prepare parses, upgrades, marks and validates one object; reason is
// non-empty when the object must be skipped.
func prepare(
	it stix.Item,
	marking *stix.TLP,
	known map[stix.ID]stix.TLP,
) (o *stix.Object, upgraded bool, reason string) {
	if len(it.Raw) > MaxObjectBytes {
		return nil, false, fmt.Sprintf(
			"object is %d MiB, more than the %d MiB allowed",
			len(it.Raw)>>20,
			MaxObjectBytes>>20,
		)
	}
	o, err := stix.Parse(it.Raw)
	if err != nil {
		return nil, false, strings.TrimPrefix(strings.TrimPrefix(err.Error(), "parse object: "), "jsontext: ")
	}
	if stix.NeedsUpgrade(o) {
		if o, err = stix.Upgrade(o); err != nil {
			return nil, false, err.Error()
		}
		upgraded = true
	}
	if err := stix.Validate(o); err != nil {
		return o, upgraded, strings.TrimPrefix(err.Error(), stix.ErrInvalid.Error()+": ")
	}
	if o.Type == "marking-definition" {
		if level, ok := stix.MarkingLevel(o); ok {
			known[o.ID] = level
		}
		return o, upgraded, ""
	}
	if marking != nil && !hasTLP(o, known) {
		if o, err = stix.AddMarking(o, marking.MarkingID()); err != nil {
			return nil, upgraded, err.Error()
		}
	}
	return o, upgraded, ""
}

func hasTLP(o *stix.Object, known map[stix.ID]stix.TLP) bool {
	for _, m := range o.Markings {
		if _, ok := known[m]; ok {
			return true
		}
		if _, ok := stix.BuiltinTLP(m); ok {
			return true
		}
	}
	return false
}
