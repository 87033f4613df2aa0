-- Ask the knowledge base: objects and report text cut into passages, their
-- full-text index, their embeddings per model, and the embedding jobs that
-- servers sharing this database claim in turn. Read and written by
-- passages*.go for package ai/kb/index.

-- One row per passage. ord 0 is an object's head (name, aliases, ids and
-- the start of its text); later ones continue its text.
CREATE TABLE passages (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	object_seq bigint NOT NULL,                  -- objects.seq of the object it was cut from
	object_id  text COLLATE "C" NOT NULL,
	ord        integer NOT NULL,
	text       text NOT NULL,                    -- as given to a model: "Name (type): text"
	-- head (names, aliases and ids, ord 0 only) weighted A, body D, with the
	-- english configuration so that word forms match as SQLite's porter
	-- stemmer matches them
	fts        tsvector NOT NULL,
	UNIQUE (object_seq, ord)
);
CREATE INDEX passages_object ON passages (object_id);
CREATE INDEX passages_fts ON passages USING gin (fts);

-- What each object's passages were cut from, to find the stale ones.
CREATE TABLE passage_sources (
	object_seq  bigint PRIMARY KEY,
	fingerprint text NOT NULL,                   -- modified, raw size and document hash of the object
	tlp         integer NOT NULL DEFAULT 0       -- objects.eff_tlp when last seen, for the vector cache
);

-- One embedding per passage and model: little-endian float32s.
CREATE TABLE passage_vectors (
	passage_id bigint NOT NULL REFERENCES passages (id) ON DELETE CASCADE,
	model      text NOT NULL,
	dims       integer NOT NULL,
	vec        bytea NOT NULL,
	PRIMARY KEY (model, passage_id)
);
CREATE INDEX passage_vectors_passage ON passage_vectors (passage_id);

-- One embedding job per model; a server works on it only while it holds
-- the lease, which it renews after every batch. Claims lock the row with
-- SELECT ... FOR UPDATE SKIP LOCKED.
CREATE TABLE passage_jobs (
	model       text PRIMARY KEY,
	owner       text NOT NULL DEFAULT '',
	lease_until timestamptz,                     -- NULL when nobody holds it
	state       text NOT NULL DEFAULT 'pending', -- pending, running, done, failed
	embedded    integer NOT NULL DEFAULT 0,      -- passages embedded by the job so far
	skipped     integer NOT NULL DEFAULT 0,      -- passages above the provider's TLP limit, left without a vector
	error       text NOT NULL DEFAULT '',
	updated     text NOT NULL DEFAULT ''         -- RFC 3339, UTC
);

-- A counter bumped by every change to passages or vectors, so that each
-- server knows when its in-memory vectors are stale.
CREATE TABLE passage_generation (
	id    integer PRIMARY KEY CHECK (id = 1),
	value bigint NOT NULL
);
INSERT INTO passage_generation (id, value) VALUES (1, 0);
