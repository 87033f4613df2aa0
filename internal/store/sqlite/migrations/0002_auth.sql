-- Access control: users, their API tokens and browser sessions, failed
-- login attempts for rate limiting, and the audit log. Times are RFC 3339
-- UTC text of fixed width, so that text order is time order. Secrets are
-- kept only as SHA-256 hashes (tokens, session ids) or Argon2id hashes
-- (passwords).
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
	password_hash TEXT NOT NULL DEFAULT '',          -- '' means no password login
	role          TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
	clearance     INTEGER NOT NULL,                  -- stix.TLP: 0 CLEAR .. 4 RED
	disabled      INTEGER NOT NULL DEFAULT 0,
	created       TEXT NOT NULL,
	updated       TEXT NOT NULL
);

CREATE TABLE api_tokens (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name       TEXT NOT NULL DEFAULT '',
	hash       TEXT NOT NULL UNIQUE,                 -- hex SHA-256 of the token
	hint       TEXT NOT NULL DEFAULT '',             -- first characters, to tell tokens apart
	created    TEXT NOT NULL,
	expires    TEXT NOT NULL DEFAULT '',             -- '' never
	revoked    TEXT NOT NULL DEFAULT '',             -- '' not revoked
	last_used  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
	hash      TEXT PRIMARY KEY,                      -- hex SHA-256 of the cookie value
	user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf      TEXT NOT NULL,
	created   TEXT NOT NULL,
	last_seen TEXT NOT NULL,
	expires   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);

CREATE TABLE login_failures (
	email  TEXT NOT NULL COLLATE NOCASE,
	remote TEXT NOT NULL,
	at     TEXT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_remote ON login_failures (remote, at);

CREATE TABLE audit_log (
	id        INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	actor     TEXT NOT NULL DEFAULT '',
	action    TEXT NOT NULL,
	target    TEXT NOT NULL DEFAULT '',
	object_id TEXT NOT NULL DEFAULT '',              -- a STIX id when the entry names an object
	remote    TEXT NOT NULL DEFAULT '',
	outcome   TEXT NOT NULL,
	detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
