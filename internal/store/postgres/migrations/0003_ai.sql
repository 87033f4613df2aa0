-- Ask AI: the audit of every call to an AI engine, and the provenance of
-- AI-written text applied to objects (with the text it replaced, so that
-- it can be restored). Kept by package ai through postgres.AIRepo; every
-- server sharing the database sees the same entries.

-- One row per Ask AI request, whatever its outcome. The text sent and
-- received is kept only when AI__AUDIT_CONTENT is true.
CREATE TABLE ai_audit (
	id             bigserial PRIMARY KEY,
	at             timestamptz NOT NULL,          -- when the request started
	user_name      text NOT NULL,
	operation      text NOT NULL,
	object_ids     jsonb NOT NULL DEFAULT '[]',   -- array of the STIX ids the content came from
	engine         text NOT NULL,                 -- provider type: mistralai, openai, ollama, azureopenai, builtin
	model          text NOT NULL DEFAULT '',
	endpoint_host  text NOT NULL DEFAULT '',
	location       text NOT NULL DEFAULT '',      -- local or cloud
	tlp            integer NOT NULL DEFAULT 0,    -- effective TLP of the content (stix.TLP)
	bytes_sent     bigint NOT NULL DEFAULT 0,
	bytes_received bigint NOT NULL DEFAULT 0,
	duration_ms    bigint NOT NULL DEFAULT 0,
	outcome        text NOT NULL,                 -- ok, refused, canceled, or error: KIND
	chunks         integer NOT NULL DEFAULT 1,
	content_sent     text,
	content_received text
);
CREATE INDEX ai_audit_user ON ai_audit (user_name, id);

-- One row per application of AI text to an object's field.
CREATE TABLE ai_provenance (
	id            bigserial PRIMARY KEY,
	object_id     text NOT NULL,
	field         text NOT NULL,                  -- description, or text (a report's document)
	mode          text NOT NULL,                  -- replace or insert
	audit_id      bigint NOT NULL REFERENCES ai_audit (id),
	model         text NOT NULL,
	previous_text text NOT NULL,
	new_text      text NOT NULL,
	applied_by    text NOT NULL,
	applied_at    timestamptz NOT NULL,
	reviewed_by   text,
	reviewed_at   timestamptz,
	restored_by   text,
	restored_at   timestamptz
);
CREATE INDEX ai_provenance_object ON ai_provenance (object_id, id);
