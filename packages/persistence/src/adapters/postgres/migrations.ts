// The PostgreSQL schema as numbered migrations. Every instance runs `migrate` when it opens the store:
// one transaction holding a transaction-level advisory lock, so that three instances starting at once
// apply each migration exactly once (the others wait, then find nothing left to do).

import type { PoolClient } from 'pg';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** The SQLSTATE of an append refused because it would start a document at a redirect (migration 10). */
export const RENAMED_AWAY = 'TDMOV';

/** The SQLSTATE of an append refused because its name no longer holds the document it was made for (migration 14). */
export const DOCUMENT_REPLACED = 'TDREP';

/** Append only: a released migration is never edited; a change is a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'documents, update log, checkpoints, named versions, compacted sessions',
    sql: `
CREATE TABLE documents (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name           text   NOT NULL UNIQUE,
  created_at     bigint NOT NULL,
  -- The document's head: every append takes its seqs by raising it, under this row's lock (see postgres-store.ts).
  last_seq       bigint NOT NULL DEFAULT 0,
  update_count   bigint NOT NULL DEFAULT 0,
  size_bytes     bigint NOT NULL DEFAULT 0,
  last_change_at bigint NOT NULL
);

-- The append-only log: one row per update, exactly as the client sent it.
CREATE TABLE updates (
  doc_id      bigint NOT NULL REFERENCES documents(id),
  seq         bigint NOT NULL,
  received_at bigint NOT NULL,
  author      text   NOT NULL,
  data        bytea  NOT NULL,
  PRIMARY KEY (doc_id, seq)
);
ALTER TABLE updates ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE INDEX updates_by_time ON updates (doc_id, received_at);

CREATE TABLE checkpoints (
  doc_id     bigint NOT NULL REFERENCES documents(id),
  seq        bigint NOT NULL,
  created_at bigint NOT NULL,
  state      bytea  NOT NULL,
  PRIMARY KEY (doc_id, seq)
);

CREATE TABLE versions (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  doc_id     bigint NOT NULL REFERENCES documents(id),
  label      text   NOT NULL,
  seq        bigint NOT NULL,
  author     text   NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX versions_by_doc ON versions (doc_id, seq);

CREATE TABLE compacted_sessions (
  doc_id     bigint NOT NULL REFERENCES documents(id),
  entry_seq  bigint NOT NULL,
  from_seq   bigint NOT NULL,
  to_seq     bigint NOT NULL,
  author     text   NOT NULL,
  started_at bigint NOT NULL,
  ended_at   bigint NOT NULL,
  updates    bigint NOT NULL,
  added      bigint NOT NULL,
  removed    bigint NOT NULL,
  PRIMARY KEY (doc_id, entry_seq, from_seq)
);
`,
  },
  {
    version: 2,
    description: 'authors',
    sql: `
-- Who each author id in the logs is (all documents share it): display name, colour, verified or not.
CREATE TABLE authors (
  id         text    PRIMARY KEY,
  name       text    NOT NULL,
  color      text    NOT NULL,
  verified   boolean NOT NULL,
  first_seen bigint  NOT NULL,
  last_seen  bigint  NOT NULL
);
`,
  },
  {
    version: 3,
    description: 'trash',
    sql: `
-- Documents moved to the trash: kept whole until purged (TRASH_DAYS, or tandem purge).
CREATE TABLE trash (
  doc_id     bigint PRIMARY KEY REFERENCES documents(id),
  trashed_at bigint NOT NULL,
  trashed_by text   NOT NULL
);
`,
  },
  {
    version: 4,
    description: 'revocations',
    sql: `
-- Access withdrawn before the tokens expire: every token of a user issued up to created_at, or one
-- token by its id (jti). A row may be forgotten once until (ms since epoch) has passed; NULL: kept.
CREATE TABLE revocations (
  kind       text   NOT NULL CHECK (kind IN ('user', 'token')),
  value      text   NOT NULL,
  until      bigint,
  created_at bigint NOT NULL,
  reason     text   NOT NULL,
  PRIMARY KEY (kind, value)
);
`,
  },
  {
    version: 5,
    description: 'webhook deliveries',
    sql: `
-- Webhook deliveries not yet settled (one row per event and target URL); a delivered or given-up one
-- is deleted. merge_key is set while a debounced event may still take more changes; lease_until while
-- an instance is sending it.
CREATE TABLE webhook_deliveries (
  id          bigserial PRIMARY KEY,
  event_id    text    NOT NULL,
  target      text    NOT NULL,
  type        text    NOT NULL,
  doc         text    NOT NULL,
  occurred_at bigint  NOT NULL,
  due_at      bigint  NOT NULL,
  data        text    NOT NULL,
  attempts    integer NOT NULL DEFAULT 0,
  lease_until bigint,
  merge_key   text,
  created_at  bigint  NOT NULL,
  last_error  text
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (due_at);
CREATE UNIQUE INDEX webhook_deliveries_merge ON webhook_deliveries (target, merge_key) WHERE merge_key IS NOT NULL;
-- The highest seq a debounced event queued so far covers, per target and document: the next one starts after it.
CREATE TABLE webhook_marks (
  target    text   NOT NULL,
  merge_key text   NOT NULL,
  seq       bigint NOT NULL,
  PRIMARY KEY (target, merge_key)
);
`,
  },
  {
    version: 6,
    description: 'documents by last change and by name',
    sql: `
-- The start page lists documents by last change, newest first, ties by name, or by name; names sort
-- by code point (COLLATE "C", as in SQLite) whatever the database's collation (see document-page.ts).
CREATE INDEX documents_by_last_change ON documents (last_change_at DESC, name COLLATE "C");
CREATE INDEX documents_by_name_c ON documents (name COLLATE "C");
`,
  },
  {
    version: 7,
    description: 'redirects',
    sql: `
-- Old names of renamed documents. A redirect points at the document row, not at a name: renaming the
-- document again moves every redirect with it (a chain a→b→c is a→c, b→c by construction).
CREATE TABLE redirects (
  name       text   PRIMARY KEY,
  doc_id     bigint NOT NULL REFERENCES documents(id),
  renamed_at bigint NOT NULL
);
CREATE INDEX redirects_by_doc ON redirects (doc_id);
`,
  },
  {
    version: 8,
    description: 'share links',
    sql: `
-- Links an editor made that give whoever opens one a token of their own for one document (the name it
-- had then), with a role and until expires_at (ms since epoch). revoked_at: NULL while the link works;
-- tokens redeemed from a revoked link are refused (their claim lid is this id).
CREATE TABLE share_links (
  id         text   PRIMARY KEY,
  doc        text   NOT NULL,
  role       text   NOT NULL CHECK (role IN ('editor', 'viewer', 'commenter')),
  created_by text   NOT NULL,
  created_at bigint  NOT NULL,
  expires_at bigint  NOT NULL,
  revoked_at bigint 
);
CREATE INDEX share_links_by_doc ON share_links (doc, created_at);
CREATE INDEX share_links_revoked ON share_links (expires_at) WHERE revoked_at IS NOT NULL;
`,
  },
  {
    version: 9,
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
CREATE INDEX share_links_by_creator ON share_links (created_by, created_at);
`,
  },
  {
    version: 10,
    description: "no new document at a renamed document's old name",
    sql: `
-- An instance that missed a rename (its room still open under the old name) must not start a new
-- document there: the redirect would hide it, with the updates its clients meant for the renamed one.
-- After the insert (not before): an append that waited for the renaming transaction's row lock inserts
-- once it commits, and only a check made then sees its redirect. Taking a name back (PUT) removes the
-- redirect first.
CREATE OR REPLACE FUNCTION refuse_document_at_redirect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM redirects WHERE name = NEW.name) THEN
    RAISE EXCEPTION '% was renamed: its old name starts no new document', NEW.name USING ERRCODE = '${RENAMED_AWAY}';
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS documents_not_at_a_redirect ON documents;
CREATE TRIGGER documents_not_at_a_redirect AFTER INSERT ON documents
  FOR EACH ROW EXECUTE FUNCTION refuse_document_at_redirect();
`,
  },
  {
    version: 11,
    // Ranges merged before it keep the author "compacted" for what several people wrote in them.
    description: 'merged authorship',
    sql: `
-- Who inserted and deleted which Yjs ids of a merged update several people wrote (JSON, see
-- MergedAuthorship), stored at its entry_seq in the same transaction as the merge.
CREATE TABLE IF NOT EXISTS merged_authorship (
  doc_id    bigint NOT NULL REFERENCES documents(id),
  entry_seq bigint NOT NULL,
  data      text   NOT NULL,
  PRIMARY KEY (doc_id, entry_seq)
);
`,
  },
  {
    version: 12,
    // Restores made before it cannot be taken back with POST …/restore/undo (nothing says they were restores).
    description: 'restores',
    sql: `
-- Which updates are restores (POST …/restore): what "Undo restore" may take back.
CREATE TABLE IF NOT EXISTS restores (
  doc_id      bigint NOT NULL REFERENCES documents(id),
  seq         bigint NOT NULL,
  restored_to bigint NOT NULL,
  author      text   NOT NULL,
  at          bigint NOT NULL,
  PRIMARY KEY (doc_id, seq)
);
`,
  },
  {
    version: 13,
    description: 'undone restores; share links by the token that made them',
    sql: `
-- The update that took a restore back (POST …/restore/undo): it is taken back once. Negative while an
-- undo is under way (minus the time it began).
ALTER TABLE restores ADD COLUMN IF NOT EXISTS undone_by bigint;
-- The id (jti) of the token a link was made with: revoking the token ends its links. NULL for links made
-- before, or with a token without an id.
ALTER TABLE share_links ADD COLUMN IF NOT EXISTS created_by_token text;
CREATE INDEX IF NOT EXISTS share_links_by_token ON share_links (created_by_token) WHERE created_by_token IS NOT NULL;
`,
  },
  {
    version: 14,
    description: 'no append into a document other than the one its writer holds',
    sql: `
-- An instance that missed a purge (or a rename whose name a new document took) must not start a document
-- at the name, nor add to the new one: an append that names the creation time of the document its writer
-- holds calls this, in the same statement, when the name holds none or another; the statement rolls back.
CREATE OR REPLACE FUNCTION refuse_append_to_replaced_document(doc text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% no longer holds the document this update was made for', doc USING ERRCODE = '${DOCUMENT_REPLACED}';
END
$$;
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** Advisory lock keys: (namespace, key). The namespace is Tandem's; keys below say what is locked. */
export const LOCK_NAMESPACE = 0x7a6d; // "zm": any constant unlikely to clash with another application's
export const MIGRATION_LOCK_KEY = 0;
/** Taken by whoever inserts authors, so that each new author's number (hence colour) is its own. */
export const AUTHORS_LOCK_KEY = -1;
/** A namespace of its own: keys are hashes of (webhook target, document), any int4. */
export const WEBHOOK_LOCK_NAMESPACE = LOCK_NAMESPACE + 1;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Brings `schema` up to SCHEMA_VERSION. Refuses a database whose schema is newer than this code (an
 * older instance started beside newer ones): it would write rows the newer code does not expect.
 * Returns the versions it applied.
 */
export async function migrate(client: PoolClient, schema: string): Promise<number[]> {
  const applied: number[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, MIGRATION_LOCK_KEY]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS tandem_migrations (
      version     integer PRIMARY KEY,
      description text    NOT NULL,
      applied_at  timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM tandem_migrations');
    const done = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    if (newest > SCHEMA_VERSION) {
      throw new Error(`the database schema is at version ${newest}, newer than this server understands (${SCHEMA_VERSION}): upgrade this instance`);
    }
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO tandem_migrations (version, description) VALUES ($1, $2)', [m.version, m.description]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
