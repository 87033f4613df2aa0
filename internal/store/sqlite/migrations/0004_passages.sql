-- Ask the knowledge base: objects and report text cut into passages, their
-- full-text index, their embeddings per model, and the embedding jobs that
-- servers sharing this database claim in turn. Owned by package ai/kb/index.

-- One row per passage. ord 0 is an object's head (name, aliases, ids and
-- the start of its text); later ones continue its text.
CREATE TABLE passages (
	id         INTEGER PRIMARY KEY,
	object_seq INTEGER NOT NULL,             -- objects.seq of the object it was cut from
	object_id  TEXT NOT NULL,
	ord        INTEGER NOT NULL,
	text       TEXT NOT NULL,                -- as given to a model: "Name (type): text"
	UNIQUE (object_seq, ord)
);
CREATE INDEX passages_object ON passages (object_id);

-- What each object's passages were cut from, to find the stale ones.
CREATE TABLE passage_sources (
	object_seq  INTEGER PRIMARY KEY,
	fingerprint TEXT NOT NULL,               -- modified, raw size and document hash of the object
	tlp         INTEGER NOT NULL DEFAULT 0   -- objects.eff_tlp when last seen, for the vector cache
);

-- Full-text index of the passages, keyed by passages.id; head holds names
-- and aliases (ord 0 only), body the text.
CREATE VIRTUAL TABLE passages_fts USING fts5 (
	head, body,
	content = '', contentless_delete = 1,
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- One embedding per passage and model: little-endian float32s.
CREATE TABLE passage_vectors (
	passage_id INTEGER NOT NULL REFERENCES passages (id) ON DELETE CASCADE,
	model      TEXT NOT NULL,
	dims       INTEGER NOT NULL,
	vec        BLOB NOT NULL,
	PRIMARY KEY (model, passage_id)
);

-- One embedding job per model; a server works on it only while it holds
-- the lease, which it renews after every batch.
CREATE TABLE passage_jobs (
	model       TEXT PRIMARY KEY,
	owner       TEXT NOT NULL DEFAULT '',
	lease_until TEXT NOT NULL DEFAULT '',    -- RFC 3339, UTC
	state       TEXT NOT NULL DEFAULT 'pending', -- pending, running, done, failed
	embedded    INTEGER NOT NULL DEFAULT 0,  -- passages embedded by the job so far
	skipped     INTEGER NOT NULL DEFAULT 0,  -- passages above the provider's TLP limit, left without a vector
	error       TEXT NOT NULL DEFAULT '',
	updated     TEXT NOT NULL DEFAULT ''
);

-- A counter bumped by every change to passages or vectors, so that each
-- server knows when its in-memory vectors are stale.
CREATE TABLE passage_generation (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	value INTEGER NOT NULL
);
INSERT INTO passage_generation (id, value) VALUES (1, 0);
