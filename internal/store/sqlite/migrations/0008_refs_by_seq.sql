-- References are keyed by the sequence number of the object that makes
-- them, not by its id: an import then appends them at the end of the
-- table instead of inserting each at a random place among long text keys,
-- and reads join them to objects on the integer primary key.
CREATE TABLE refs_new (
	source_seq INTEGER NOT NULL,             -- objects.seq of the referring object
	prop       TEXT NOT NULL,
	target_id  TEXT NOT NULL,
	PRIMARY KEY (source_seq, prop, target_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO refs_new SELECT o.seq, r.prop, r.target_id FROM refs r JOIN objects o ON o.id = r.source_id;
DROP TABLE refs;
ALTER TABLE refs_new RENAME TO refs;
CREATE INDEX refs_target ON refs (target_id, prop);
