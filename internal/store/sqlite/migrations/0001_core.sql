-- The knowledge base: every STIX object as its JSON, with the common
-- properties indexed.
CREATE TABLE objects (
	seq          INTEGER PRIMARY KEY,            -- insertion order; the cursor of listings
	id           TEXT NOT NULL UNIQUE,
	type         TEXT NOT NULL,
	spec_version TEXT NOT NULL DEFAULT '',
	created      TEXT NOT NULL DEFAULT '',       -- RFC 3339, UTC, fixed width so text order is time order
	modified     TEXT NOT NULL DEFAULT '',
	revoked      INTEGER NOT NULL DEFAULT 0,
	name         TEXT NOT NULL DEFAULT '',
	description  TEXT NOT NULL DEFAULT '',
	aliases      TEXT NOT NULL DEFAULT '',       -- newline-separated
	confidence   INTEGER,
	created_by   TEXT NOT NULL DEFAULT '',
	published    TEXT NOT NULL DEFAULT '',
	tlp          INTEGER NOT NULL DEFAULT 0,     -- level of its own markings
	eff_tlp      INTEGER NOT NULL DEFAULT 0,     -- with what it refers to, for containers and relationships
	raw          BLOB NOT NULL
);
CREATE INDEX objects_type ON objects (type, seq);
CREATE INDEX objects_created ON objects (created);
CREATE INDEX objects_modified ON objects (modified);
CREATE INDEX objects_created_by ON objects (created_by);
CREATE INDEX objects_published ON objects (published) WHERE published <> '';

-- Every reference an object makes, by property.
CREATE TABLE refs (
	source_id TEXT NOT NULL,
	prop      TEXT NOT NULL,
	target_id TEXT NOT NULL
);
CREATE INDEX refs_source ON refs (source_id, prop);
CREATE INDEX refs_target ON refs (target_id, prop);

CREATE TABLE labels (
	object_id TEXT NOT NULL,
	label     TEXT NOT NULL
);
CREATE INDEX labels_label ON labels (label);
CREATE INDEX labels_object ON labels (object_id);

CREATE TABLE external_ids (
	object_id   TEXT NOT NULL,
	external_id TEXT NOT NULL COLLATE NOCASE
);
CREATE INDEX external_ids_id ON external_ids (external_id);
CREATE INDEX external_ids_object ON external_ids (object_id);

-- TLP level of each marking definition known to be a TLP marking.
CREATE TABLE markings (
	id    TEXT PRIMARY KEY,
	level INTEGER NOT NULL
);

-- Original files and text of reports imported from documents.
CREATE TABLE documents (
	report_id  TEXT PRIMARY KEY,
	file_name  TEXT NOT NULL,
	media_type TEXT NOT NULL,
	sha256     TEXT NOT NULL,
	text       TEXT NOT NULL,
	original   BLOB NOT NULL,
	created    TEXT NOT NULL
);

-- Full-text index over names, aliases and bodies (descriptions, report
-- text), keyed by objects.seq.
CREATE VIRTUAL TABLE objects_fts USING fts5 (
	name, aliases, body,
	content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);
