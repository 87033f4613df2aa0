-- References, labels and external ids keyed by what they hold. As rowid
-- tables each row cost three b-tree inserts at import (the table and two
-- indexes); keyed by their columns, WITHOUT ROWID, they cost two, and the
-- key is the lookup by object that reads use. A row repeated in one object
-- (the same id twice in object_refs) is now kept once.
CREATE TABLE refs_new (
	source_id TEXT NOT NULL,
	prop      TEXT NOT NULL,
	target_id TEXT NOT NULL,
	PRIMARY KEY (source_id, prop, target_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO refs_new SELECT source_id, prop, target_id FROM refs;
DROP TABLE refs;
ALTER TABLE refs_new RENAME TO refs;
CREATE INDEX refs_target ON refs (target_id, prop);

CREATE TABLE labels_new (
	object_id TEXT NOT NULL,
	label     TEXT NOT NULL,
	PRIMARY KEY (object_id, label)
) WITHOUT ROWID;
INSERT OR IGNORE INTO labels_new SELECT object_id, label FROM labels;
DROP TABLE labels;
ALTER TABLE labels_new RENAME TO labels;
CREATE INDEX labels_label ON labels (label);

CREATE TABLE external_ids_new (
	object_id   TEXT NOT NULL,
	external_id TEXT NOT NULL COLLATE NOCASE,
	PRIMARY KEY (object_id, external_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO external_ids_new SELECT object_id, external_id FROM external_ids;
DROP TABLE external_ids;
ALTER TABLE external_ids_new RENAME TO external_ids;
CREATE INDEX external_ids_id ON external_ids (external_id);
