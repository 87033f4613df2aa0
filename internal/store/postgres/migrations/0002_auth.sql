-- Access control: users, their API tokens and browser sessions, failed
-- login attempts for rate limiting, and the audit log. Secrets are kept
-- only as SHA-256 hashes (tokens, session ids) or Argon2id hashes
-- (passwords). Every server sharing the database sees the same state.
CREATE TABLE users (
	id            bigserial PRIMARY KEY,
	email         text NOT NULL,
	password_hash text NOT NULL DEFAULT '',          -- '' means no password login
	role          text NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
	clearance     integer NOT NULL,                  -- stix.TLP: 0 CLEAR .. 4 RED
	disabled      boolean NOT NULL DEFAULT false,
	created       timestamptz NOT NULL,
	updated       timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE api_tokens (
	id        bigserial PRIMARY KEY,
	user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name      text NOT NULL DEFAULT '',
	hash      text NOT NULL UNIQUE,                  -- hex SHA-256 of the token
	hint      text NOT NULL DEFAULT '',              -- first characters, to tell tokens apart
	created   timestamptz NOT NULL,
	expires   timestamptz,                           -- NULL never
	revoked   timestamptz,                           -- NULL not revoked
	last_used timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
	hash      text PRIMARY KEY,                      -- hex SHA-256 of the cookie value
	user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf      text NOT NULL,
	created   timestamptz NOT NULL,
	last_seen timestamptz NOT NULL,
	expires   timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);

CREATE TABLE login_failures (
	email  text NOT NULL,                            -- lowercased by the caller
	remote text NOT NULL,
	at     timestamptz NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_remote ON login_failures (remote, at);

CREATE TABLE audit_log (
	id        bigserial PRIMARY KEY,
	at        timestamptz NOT NULL,
	actor     text NOT NULL DEFAULT '',
	action    text NOT NULL,
	target    text NOT NULL DEFAULT '',
	object_id text NOT NULL DEFAULT '',              -- a STIX id when the entry names an object
	remote    text NOT NULL DEFAULT '',
	outcome   text NOT NULL,
	detail    text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
