-- The full-text index again, without per-row column sizes and with the
-- object's type. bm25 read each match's sizes from objects_fts_docsize, one
-- b-tree lookup per match that made up most of a search's time, and a row
-- per object at import. Without them bm25 ranks without document-length
-- normalisation, and rows are removed with the 'delete' command and the
-- text they indexed (ftsText in fts.go), as contentless_delete requires
-- column sizes. The kind column holds one word for the type ('k' and the
-- type in hex), so that a type filter is a match on it. The rows restated
-- here must be exactly what ftsText makes.
DROP TABLE objects_fts;
CREATE VIRTUAL TABLE objects_fts USING fts5 (
	name, aliases, body, kind,
	content = '', columnsize = 0,
	tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO objects_fts (rowid, name, aliases, body, kind)
SELECT seq, name, aliases, body, kind FROM (
	SELECT o.seq, o.name, o.aliases, 'k' || lower(hex(o.type)) AS kind,
		o.description || CASE WHEN coalesce(d.text, '') <> '' THEN char(10) || char(10) || d.text ELSE '' END AS body
	FROM objects o LEFT JOIN documents d ON o.type = 'report' AND d.report_id = o.id
) WHERE name <> '' OR aliases <> '' OR body <> '';

-- Objects named exactly as a search's text rank first (search.go), found
-- through this index rather than among every match of the words.
CREATE INDEX objects_name ON objects (name COLLATE NOCASE) WHERE name <> '';
