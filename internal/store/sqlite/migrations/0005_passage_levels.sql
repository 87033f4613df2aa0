-- The TLP level of every passage in a table of its own, small enough to
-- stay in the page cache (about 12 bytes a passage), so that the full-text
-- search filters by clearance before ranking without reading each
-- matching passage's row of the passages table (which had cost more than
-- the ranking itself). It holds the level recorded in passage_sources for
-- the passage's object. Owned by package ai/kb/index.
CREATE TABLE passage_levels (
	id  INTEGER PRIMARY KEY,                 -- passages.id
	tlp INTEGER NOT NULL                     -- passage_sources.tlp of its object
);
INSERT INTO passage_levels (id, tlp)
	SELECT p.id, s.tlp FROM passages p JOIN passage_sources s ON s.object_seq = p.object_seq;

-- The sync keeps it (passages_sync.go, passages.go): a trigger would make
-- each statement of a sync batch open a savepoint, at which FTS5 writes
-- out its pending terms, which had made cutting passages 70% slower.
