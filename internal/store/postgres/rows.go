package postgres

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tipster-cti/tipster/internal/stix"
)

// rows holds, column by column, what the objects written since the last
// round trip add to each table, so that every table gets one statement per
// round trip whatever the number of objects (arrays are single parameters,
// expanded by unnest on the server).
type rows struct {
	ids      map[string]bool // objects in the buffer; an object appears once
	replaced []string        // objects whose older version's rows go first

	id, typ, spec, created, modified, name, desc, aliases, createdBy, published []string
	revoked                                                                     []bool
	confidence                                                                  []*int32
	raw                                                                         [][]byte
	nameIdx, aliasesIdx, bodyIdx                                                []string

	refSource, refProp, refTarget []string
	labelObject, label            []string
	extObject, ext                []string
	markingID                     []string
	markingLevel                  []int32
}

// holds reports whether o's id is in the buffer.
func (r *rows) holds(id stix.ID) bool { return r.ids[string(id)] }

// objects is the number of objects in the buffer.
func (r *rows) objects() int { return len(r.id) }

// add buffers o and the rows derived from it: references, labels, external
// ids, the index entry, and the level of a TLP marking definition. replace
// drops the rows of the version it replaces.
func (r *rows) add(o *stix.Object, replace bool) {
	if r.ids == nil {
		r.ids = map[string]bool{}
	}
	id := string(o.ID)
	r.ids[id] = true
	if replace {
		r.replaced = append(r.replaced, id)
	}
	// PostgreSQL text cannot hold NUL, which JSON strings may (\u0000):
	// the indexed copies drop it; the raw JSON keeps it.
	aliases := noNUL(strings.Join(o.Aliases, "\n"))
	r.id, r.typ, r.spec = append(r.id, id), append(r.typ, o.Type), append(r.spec, o.SpecVersion)
	r.created, r.modified = append(r.created, timeText(o.Created)), append(r.modified, timeText(o.Modified))
	r.revoked, r.name, r.desc = append(
		r.revoked,
		o.Revoked,
	), append(
		r.name,
		noNUL(o.Name),
	), append(
		r.desc,
		noNUL(o.Description),
	)
	r.aliases, r.confidence = append(r.aliases, aliases), append(r.confidence, confidence(o))
	r.createdBy, r.published = append(
		r.createdBy,
		string(o.CreatedBy),
	), append(
		r.published,
		timeText(o.Published),
	)
	r.raw = append(r.raw, o.Raw)
	r.nameIdx = append(r.nameIdx, indexText(o.Name, maxIndexedName))
	r.aliasesIdx = append(r.aliasesIdx, indexText(aliases, maxIndexedName))
	r.bodyIdx = append(r.bodyIdx, indexText(o.Description, maxIndexedBody))
	for _, ref := range o.Refs {
		r.refSource, r.refProp, r.refTarget = append(
			r.refSource,
			id,
		), append(
			r.refProp,
			ref.Prop,
		), append(
			r.refTarget,
			string(ref.Target),
		)
	}
	for _, l := range o.Labels {
		r.labelObject, r.label = append(r.labelObject, id), append(r.label, noNUL(l))
	}
	for _, e := range o.ExternalIDs {
		r.extObject, r.ext = append(r.extObject, id), append(r.ext, noNUL(e))
	}
	if o.Type == "marking-definition" {
		if level, ok := stix.MarkingLevel(o); ok {
			r.markingID, r.markingLevel = append(r.markingID, id), append(r.markingLevel, int32(level))
		}
	}
}

func confidence(o *stix.Object) *int32 {
	if o.Confidence < 0 {
		return nil
	}
	c := int32(o.Confidence)
	return &c
}

// upsertSQL writes objects from arrays of their columns; a stored object
// keeps its seq.
var upsertSQL = `INSERT INTO objects (id, type, spec_version, created, modified, revoked, name, description,
		aliases, confidence, created_by, published, raw, fts)
	SELECT u.id, u.type, u.spec, u.created, u.modified, u.revoked, u.name, u.descr, u.aliases, u.confidence,
		u.created_by, u.published, u.raw, ` + ftsSQL("u.id", "u.name_idx", "u.aliases_idx", "u.body_idx") + `
	FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::text[], $8::text[],
		$9::text[], $10::int4[], $11::text[], $12::text[], $13::bytea[], $14::text[], $15::text[], $16::text[])
		AS u(id, type, spec, created, modified, revoked, name, descr, aliases, confidence, created_by, published,
		raw, name_idx, aliases_idx, body_idx)
	ON CONFLICT (id) DO UPDATE SET spec_version = excluded.spec_version, created = excluded.created,
		modified = excluded.modified, revoked = excluded.revoked, name = excluded.name,
		description = excluded.description, aliases = excluded.aliases, confidence = excluded.confidence,
		created_by = excluded.created_by, published = excluded.published, raw = excluded.raw, fts = excluded.fts`

// queue adds to b the statements that write the buffered rows, in the
// order they must run, and empties the buffer.
func (r *rows) queue(b *pgx.Batch) {
	if r.objects() == 0 {
		return
	}
	if len(r.replaced) > 0 {
		for _, table := range []string{"refs WHERE source_id", "labels WHERE object_id", "external_ids WHERE object_id"} {
			write(b, "replace", `DELETE FROM `+table+` = ANY($1::text[])`, r.replaced)
		}
	}
	write(b, "objects", upsertSQL, r.id, r.typ, r.spec, r.created, r.modified, r.revoked, r.name, r.desc,
		r.aliases, r.confidence, r.createdBy, r.published, r.raw, r.nameIdx, r.aliasesIdx, r.bodyIdx)
	if len(r.refSource) > 0 {
		write(b, "refs", `INSERT INTO refs (source_id, prop, target_id)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`, r.refSource, r.refProp, r.refTarget)
	}
	if len(r.label) > 0 {
		write(
			b,
			"labels",
			`INSERT INTO labels (object_id, label) SELECT * FROM unnest($1::text[], $2::text[])`,
			r.labelObject,
			r.label,
		)
	}
	if len(r.ext) > 0 {
		write(b, "external ids", `INSERT INTO external_ids (object_id, external_id)
			SELECT * FROM unnest($1::text[], $2::text[])`, r.extObject, r.ext)
	}
	if len(r.markingID) > 0 {
		write(b, "markings", `INSERT INTO markings (id, level) SELECT * FROM unnest($1::text[], $2::int4[])
			ON CONFLICT (id) DO UPDATE SET level = excluded.level`, r.markingID, r.markingLevel)
	}
	*r = rows{}
}

// write queues one statement whose error names what it wrote.
func write(b *pgx.Batch, what, sql string, args ...any) {
	b.Queue(sql, args...).Fn = func(br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("postgres: write %s: %w", what, err)
		}
		return nil
	}
}

// noNUL drops NUL characters, which PostgreSQL text refuses.
func noNUL(s string) string {
	if !strings.Contains(s, "\x00") {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "")
}
