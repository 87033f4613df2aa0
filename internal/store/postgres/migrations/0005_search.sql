-- What a text search reads tier by tier (search.go): exact names and
-- aliases, and the words of names and aliases alone, each through an index
-- of its own rather than a recheck of every match of a word. The names'
-- words come from the weighted entry itself (A names, B aliases), so they
-- are the words the full entry holds.
CREATE INDEX objects_name ON objects (lower(name)) WHERE name <> '';
CREATE INDEX objects_aliases ON objects USING gin (string_to_array(lower(aliases), E'\n')) WHERE aliases <> '';
CREATE INDEX objects_names_fts ON objects USING gin (ts_filter(fts, '{a,b}'));
