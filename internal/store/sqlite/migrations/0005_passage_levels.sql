-- The TLP level of every passage in a table of its own, small enough to
-- stay in the page cache (about 12 bytes a passage), so that the full-text
-- search filters by clearance before ranking without reading each
-- matching passage's row of the passages table (which had cost more than
-- the ranking itself). Triggers keep it equal to the level recorded in
-- passage_sources for the passage's object. Owned by package ai/kb/index.
CREATE TABLE passage_levels (
	id  INTEGER PRIMARY KEY,                 -- passages.id
	tlp INTEGER NOT NULL                     -- passage_sources.tlp of its object
);
INSERT INTO passage_levels (id, tlp)
	SELECT p.id, s.tlp FROM passages p JOIN passage_sources s ON s.object_seq = p.object_seq;

-- An object's source row is written (inserted, or upserted with its level)
-- after its passages in the same transaction, and SyncLevels updates the
-- level alone: either way every passage of the object takes the level.
-- (An update and an insert rather than INSERT OR REPLACE: the upsert that
-- writes passage_sources would impose its own conflict handling on the
-- trigger's statements.)
CREATE TRIGGER passage_levels_source_insert AFTER INSERT ON passage_sources BEGIN
	UPDATE passage_levels SET tlp = NEW.tlp
		WHERE id IN (SELECT id FROM passages WHERE object_seq = NEW.object_seq);
	INSERT INTO passage_levels (id, tlp)
		SELECT p.id, NEW.tlp FROM passages p WHERE p.object_seq = NEW.object_seq
		AND NOT EXISTS (SELECT 1 FROM passage_levels l WHERE l.id = p.id);
END;
CREATE TRIGGER passage_levels_source_update AFTER UPDATE OF tlp ON passage_sources BEGIN
	UPDATE passage_levels SET tlp = NEW.tlp
		WHERE id IN (SELECT id FROM passages WHERE object_seq = NEW.object_seq);
	INSERT INTO passage_levels (id, tlp)
		SELECT p.id, NEW.tlp FROM passages p WHERE p.object_seq = NEW.object_seq
		AND NOT EXISTS (SELECT 1 FROM passage_levels l WHERE l.id = p.id);
END;
CREATE TRIGGER passage_levels_passage_delete AFTER DELETE ON passages BEGIN
	DELETE FROM passage_levels WHERE id = OLD.id;
END;
