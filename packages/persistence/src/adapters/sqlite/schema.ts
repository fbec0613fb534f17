// The SQLite schema of the embedded store, applied idempotently on open.

export const SCHEMA_VERSION = 2;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS documents (
  id             INTEGER PRIMARY KEY,
  name           TEXT    NOT NULL UNIQUE,
  created_at     INTEGER NOT NULL,
  last_seq       INTEGER NOT NULL DEFAULT 0,
  update_count   INTEGER NOT NULL DEFAULT 0,
  size_bytes     INTEGER NOT NULL DEFAULT 0,
  last_change_at INTEGER NOT NULL
);

-- The append-only log: one row per update, exactly as the client sent it.
CREATE TABLE IF NOT EXISTS updates (
  doc_id      INTEGER NOT NULL REFERENCES documents(id),
  seq         INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  author      TEXT    NOT NULL,
  data        BLOB    NOT NULL,
  PRIMARY KEY (doc_id, seq)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS updates_by_time ON updates (doc_id, received_at);

CREATE TABLE IF NOT EXISTS checkpoints (
  doc_id     INTEGER NOT NULL REFERENCES documents(id),
  seq        INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  state      BLOB    NOT NULL,
  PRIMARY KEY (doc_id, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS versions (
  id         INTEGER PRIMARY KEY,
  doc_id     INTEGER NOT NULL REFERENCES documents(id),
  label      TEXT    NOT NULL,
  seq        INTEGER NOT NULL,
  author     TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS versions_by_doc ON versions (doc_id, seq);
`;
