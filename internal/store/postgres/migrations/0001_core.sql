-- The knowledge base: every STIX object as its JSON, with the common
-- properties indexed. Same model as the SQLite backend's 0001_core.sql.
--
-- Identifiers and timestamps use the "C" collation so that comparisons are
-- byte order whatever the database's locale. Timestamps are fixed-width
-- RFC 3339 text in UTC with nanoseconds, as in SQLite: text order is time
-- order, and versions that differ below the microsecond (which timestamptz
-- would round away) still compare as different.
CREATE TABLE objects (
	seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- insertion order; the cursor of listings
	id           text COLLATE "C" NOT NULL UNIQUE,
	type         text COLLATE "C" NOT NULL,
	spec_version text NOT NULL DEFAULT '',
	created      text COLLATE "C" NOT NULL DEFAULT '',
	modified     text COLLATE "C" NOT NULL DEFAULT '',
	revoked      boolean NOT NULL DEFAULT false,
	name         text NOT NULL DEFAULT '',
	description  text NOT NULL DEFAULT '',
	aliases      text NOT NULL DEFAULT '',      -- newline-separated
	confidence   integer,
	created_by   text COLLATE "C" NOT NULL DEFAULT '',
	published    text COLLATE "C" NOT NULL DEFAULT '',
	tlp          integer NOT NULL DEFAULT 0,    -- level of its own markings
	eff_tlp      integer NOT NULL DEFAULT 0,    -- with what it refers to, for containers and relationships
	raw          bytea NOT NULL,                -- the JSON exactly as imported (jsonb would reorder keys)
	fts          tsvector NOT NULL DEFAULT ''   -- name (A), aliases (B), description and document text (C)
) WITH (fillfactor = 90); -- room on each page so that level updates at commit can stay on the page (HOT)
CREATE INDEX objects_type ON objects (type, seq);
CREATE INDEX objects_created ON objects (created);
CREATE INDEX objects_modified ON objects (modified);
CREATE INDEX objects_created_by ON objects (created_by);
CREATE INDEX objects_published ON objects (published) WHERE published <> '';
CREATE INDEX objects_fts ON objects USING gin (fts);

-- Every reference an object makes, by property.
CREATE TABLE refs (
	source_id text COLLATE "C" NOT NULL,
	prop      text COLLATE "C" NOT NULL,
	target_id text COLLATE "C" NOT NULL
);
CREATE INDEX refs_source ON refs (source_id, prop);
CREATE INDEX refs_target ON refs (target_id, prop);

CREATE TABLE labels (
	object_id text COLLATE "C" NOT NULL,
	label     text NOT NULL
);
CREATE INDEX labels_label ON labels (label);
CREATE INDEX labels_object ON labels (object_id);

-- External ids match without regard to case, like SQLite's NOCASE.
CREATE TABLE external_ids (
	object_id   text COLLATE "C" NOT NULL,
	external_id text NOT NULL
);
CREATE INDEX external_ids_id ON external_ids (lower(external_id));
CREATE INDEX external_ids_object ON external_ids (object_id);

-- TLP level of each marking definition known to be a TLP marking.
CREATE TABLE markings (
	id    text COLLATE "C" PRIMARY KEY,
	level integer NOT NULL
);

-- Original files and text of reports imported from documents. fts holds
-- the text's index entries (weight C), merged into the report's own.
CREATE TABLE documents (
	report_id  text COLLATE "C" PRIMARY KEY,
	file_name  text NOT NULL,
	media_type text NOT NULL,
	sha256     text NOT NULL,
	text       text NOT NULL,
	original   bytea NOT NULL,
	created    timestamptz NOT NULL,
	fts        tsvector NOT NULL DEFAULT ''
);
