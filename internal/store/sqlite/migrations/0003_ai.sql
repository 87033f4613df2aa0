-- Ask AI: the audit of every call to an AI engine, and the provenance of
-- AI-written text applied to objects (with the text it replaced, so that
-- it can be restored). Owned by package ai.

-- One row per Ask AI request, whatever its outcome. The text sent and
-- received is kept only when AI__AUDIT_CONTENT is true.
CREATE TABLE ai_audit (
	id             INTEGER PRIMARY KEY,
	at             TEXT NOT NULL,               -- RFC 3339, UTC, when the request started
	user_name      TEXT NOT NULL,
	operation      TEXT NOT NULL,
	object_ids     TEXT NOT NULL DEFAULT '[]',  -- JSON array of the STIX ids the content came from
	engine         TEXT NOT NULL,               -- provider type: mistralai, openai, ollama, azureopenai, builtin
	model          TEXT NOT NULL DEFAULT '',
	endpoint_host  TEXT NOT NULL DEFAULT '',
	location       TEXT NOT NULL DEFAULT '',    -- local or cloud
	tlp            INTEGER NOT NULL DEFAULT 0,  -- effective TLP of the content (stix.TLP)
	bytes_sent     INTEGER NOT NULL DEFAULT 0,
	bytes_received INTEGER NOT NULL DEFAULT 0,
	duration_ms    INTEGER NOT NULL DEFAULT 0,
	outcome        TEXT NOT NULL,               -- ok, refused, canceled, or error: KIND
	chunks         INTEGER NOT NULL DEFAULT 1,
	content_sent     TEXT,
	content_received TEXT
);
CREATE INDEX ai_audit_user ON ai_audit (user_name, id);

-- One row per application of AI text to an object's field.
CREATE TABLE ai_provenance (
	id            INTEGER PRIMARY KEY,
	object_id     TEXT NOT NULL,
	field         TEXT NOT NULL,                -- description, or text (a report's document)
	mode          TEXT NOT NULL,                -- replace or insert
	audit_id      INTEGER NOT NULL REFERENCES ai_audit (id),
	model         TEXT NOT NULL,
	previous_text TEXT NOT NULL,
	new_text      TEXT NOT NULL,
	applied_by    TEXT NOT NULL,
	applied_at    TEXT NOT NULL,
	reviewed_by   TEXT,
	reviewed_at   TEXT,
	restored_by   TEXT,
	restored_at   TEXT
);
CREATE INDEX ai_provenance_object ON ai_provenance (object_id, id);
