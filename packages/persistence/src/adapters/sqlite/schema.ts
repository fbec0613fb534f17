// The SQLite schema of the embedded store, as numbered migrations recorded in the database's
// user_version. Opening a store applies the missing ones in one IMMEDIATE transaction (which takes
// the write lock first, so two processes opening one store apply each migration once); a store that
// is up to date is not written at all (so one on a full disk still opens, to serve what it holds).
// Every statement is IF NOT EXISTS: a store whose tables are there without the version recorded
// (an early build) upgrades too.

export interface SqliteMigration {
  readonly version: number;
  readonly description: string;
  /** Columns to add ([table, column, type]), each only if the table lacks it (SQLite has no ADD COLUMN IF NOT EXISTS); before `sql`. */
  readonly columns?: ReadonlyArray<readonly [string, string, string]>;
  readonly sql: string;
}

/** Append only: a released migration is never edited; a change is a new one. */
export const MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'documents, the update log, checkpoints',
    sql: `
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
`,
  },
  {
    version: 2,
    description: 'named versions',
    sql: `
CREATE TABLE IF NOT EXISTS versions (
  id         INTEGER PRIMARY KEY,
  doc_id     INTEGER NOT NULL REFERENCES documents(id),
  label      TEXT    NOT NULL,
  seq        INTEGER NOT NULL,
  author     TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS versions_by_doc ON versions (doc_id, seq);
`,
  },
  {
    version: 3,
    // An existing store gains the empty table; merged updates compacted before it show as one session each.
    description: 'compacted sessions',
    sql: `
-- The edit sessions inside each range compaction merged into one update (stored at entry_seq), for
-- the timeline; written in the same transaction as the merge.
CREATE TABLE IF NOT EXISTS compacted_sessions (
  doc_id     INTEGER NOT NULL REFERENCES documents(id),
  entry_seq  INTEGER NOT NULL,
  from_seq   INTEGER NOT NULL,
  to_seq     INTEGER NOT NULL,
  author     TEXT    NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at   INTEGER NOT NULL,
  updates    INTEGER NOT NULL,
  added      INTEGER NOT NULL,
  removed    INTEGER NOT NULL,
  PRIMARY KEY (doc_id, entry_seq, from_seq)
) WITHOUT ROWID;
`,
  },
  {
    version: 4,
    description: 'authors',
    sql: `
-- Who each author id in the logs is (all documents share it): display name, colour, verified or not.
CREATE TABLE IF NOT EXISTS authors (
  id         TEXT    PRIMARY KEY,
  name       TEXT    NOT NULL,
  color      TEXT    NOT NULL,
  verified   INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    version: 5,
    description: 'trash',
    sql: `
-- Documents moved to the trash: kept whole until purged (TRASH_DAYS, or tandem purge).
CREATE TABLE IF NOT EXISTS trash (
  doc_id     INTEGER PRIMARY KEY REFERENCES documents(id),
  trashed_at INTEGER NOT NULL,
  trashed_by TEXT    NOT NULL
);
`,
  },
  {
    version: 6,
    description: 'revocations',
    sql: `
-- Access withdrawn before the tokens expire: every token of a user issued up to created_at, or one
-- token by its id (jti). A row may be forgotten once until (ms since epoch) has passed; NULL: kept.
CREATE TABLE IF NOT EXISTS revocations (
  kind       TEXT    NOT NULL CHECK (kind IN ('user', 'token')),
  value      TEXT    NOT NULL,
  until      INTEGER,
  created_at INTEGER NOT NULL,
  reason     TEXT    NOT NULL,
  PRIMARY KEY (kind, value)
);
`,
  },
  {
    version: 7,
    description: 'webhook deliveries',
    sql: `
-- Webhook deliveries not yet settled (one row per event and target URL); a delivered or given-up one
-- is deleted. merge_key is set while a debounced event may still take more changes.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id    TEXT    NOT NULL,
  target      TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  doc         TEXT    NOT NULL,
  occurred_at INTEGER NOT NULL,
  due_at      INTEGER NOT NULL,
  data        TEXT    NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  lease_until INTEGER,
  merge_key   TEXT,
  created_at  INTEGER NOT NULL,
  last_error  TEXT
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (due_at);
CREATE UNIQUE INDEX IF NOT EXISTS webhook_deliveries_merge ON webhook_deliveries (target, merge_key) WHERE merge_key IS NOT NULL;
-- The highest seq a debounced event queued so far covers, per target and document: the next one starts after it.
CREATE TABLE IF NOT EXISTS webhook_marks (
  target    TEXT    NOT NULL,
  merge_key TEXT    NOT NULL,
  seq       INTEGER NOT NULL,
  PRIMARY KEY (target, merge_key)
) WITHOUT ROWID;
`,
  },
  {
    version: 8,
    description: 'documents by last change',
    sql: `
-- The start page lists documents by last change, newest first, ties by name (see document-page.ts).
CREATE INDEX IF NOT EXISTS documents_by_last_change ON documents (last_change_at DESC, name);
`,
  },
  {
    version: 9,
    description: 'redirects',
    sql: `
-- Old names of renamed documents. A redirect points at the document row, not at a name: renaming the
-- document again moves every redirect with it (a chain a→b→c is a→c, b→c by construction).
CREATE TABLE IF NOT EXISTS redirects (
  name       TEXT    PRIMARY KEY,
  doc_id     INTEGER NOT NULL REFERENCES documents(id),
  renamed_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS redirects_by_doc ON redirects (doc_id);
`,
  },
  {
    version: 10,
    description: 'share links',
    sql: `
-- Links an editor made that give whoever opens one a token of their own for one document (the name it
-- had then), with a role and until expires_at (ms since epoch). revoked_at: NULL while the link works;
-- tokens redeemed from a revoked link are refused (their claim lid is this id).
CREATE TABLE IF NOT EXISTS share_links (
  id         TEXT    PRIMARY KEY,
  doc        TEXT    NOT NULL,
  role       TEXT    NOT NULL CHECK (role IN ('editor', 'viewer', 'commenter')),
  created_by TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS share_links_by_doc ON share_links (doc, created_at);
CREATE INDEX IF NOT EXISTS share_links_revoked ON share_links (expires_at) WHERE revoked_at IS NOT NULL;
`,
  },
  {
    version: 11,
    description: "a user revocation revokes the user's share links",
    sql: `
-- A user revocation now ends the share links that user made up to it (see DocumentStore.revoke); the
-- links of users revoked before this version are revoked here, at their revocation's time.
UPDATE share_links SET revoked_at = (
  SELECT r.created_at FROM revocations r WHERE r.kind = 'user' AND r.value = share_links.created_by
)
WHERE revoked_at IS NULL AND EXISTS (
  SELECT 1 FROM revocations r WHERE r.kind = 'user' AND r.value = share_links.created_by AND share_links.created_at <= r.created_at
);
CREATE INDEX IF NOT EXISTS share_links_by_creator ON share_links (created_by, created_at);
`,
  },
  {
    version: 12,
    // Ranges merged before it keep the author "compacted" for what several people wrote in them.
    description: 'merged authorship',
    sql: `
-- Who inserted and deleted which Yjs ids of a merged update several people wrote (JSON, see
-- MergedAuthorship), stored at its entry_seq in the same transaction as the merge.
CREATE TABLE IF NOT EXISTS merged_authorship (
  doc_id    INTEGER NOT NULL REFERENCES documents(id),
  entry_seq INTEGER NOT NULL,
  data      TEXT    NOT NULL,
  PRIMARY KEY (doc_id, entry_seq)
) WITHOUT ROWID;
`,
  },
  {
    version: 13,
    // Restores made before it cannot be taken back with POST …/restore/undo (nothing says they were restores).
    description: 'restores',
    sql: `
-- Which updates are restores (POST …/restore): what "Undo restore" may take back.
CREATE TABLE IF NOT EXISTS restores (
  doc_id      INTEGER NOT NULL REFERENCES documents(id),
  seq         INTEGER NOT NULL,
  restored_to INTEGER NOT NULL,
  author      TEXT    NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (doc_id, seq)
) WITHOUT ROWID;
`,
  },
  {
    version: 14,
    description: 'undone restores; share links by the token that made them',
    // restores.undone_by: the update that took a restore back (POST …/restore/undo), taken back once;
    // negative while an undo is under way (minus the time it began). share_links.created_by_token: the id
    // (jti) of the token a link was made with, revoking the token ends its links (NULL for links made
    // before, or with a token without an id).
    columns: [
      ['restores', 'undone_by', 'INTEGER'],
      ['share_links', 'created_by_token', 'TEXT'],
    ],
    sql: `
CREATE INDEX IF NOT EXISTS share_links_by_token ON share_links (created_by_token) WHERE created_by_token IS NOT NULL;
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;
