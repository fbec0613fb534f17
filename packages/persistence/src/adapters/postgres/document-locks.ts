// One document's lock across every process writing the same schema: PostgreSQL advisory locks, held
// by one connection of their own per process (session locks, so a process that dies, kill -9 included,
// lets go of its locks when PostgreSQL sees its connection close).
//
// For the server's edits that say what the whole document must be (a restore, its undo, a replace of
// the content, a copy's first edit): each is built from the live document, and two built from the same
// state on two instances were both stored (found by a review: a version restored through two instances
// at once had its text twice). Ordinary edits never take it.

import { createHash } from 'node:crypto';
import type pg from 'pg';
import { PersistenceError } from '../../errors.js';

/** How often a lock held elsewhere is asked for again. */
const RETRY_MS = 25;

export interface DocumentLocks {
  /**
   * Resolves once this process holds `doc`'s lock, with the function that lets it go; rejects with
   * PersistenceError('busy') if another holder kept it past `waitMs`, or 'read-failed' if the database
   * cannot be asked.
   */
  lock(doc: string, waitMs: number): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The lock's key: the schema and the name, so that stores sharing a database do not wait for each other. */
function keyOf(schema: string, doc: string): string {
  return createHash('sha256').update(`${schema}\0${doc}`).digest().readBigInt64BE(0).toString();
}

export function createDocumentLocks(pool: pg.Pool, schema: string): DocumentLocks {
  /** The connection holding this process's locks (undefined until first needed, or after it was lost). */
  let session: Promise<pg.PoolClient> | undefined;
  /** Documents locked by this process: a session lock is reentrant, so a second holder here waits here. */
  const held = new Set<string>();
  let closed = false;

  const connect = (): Promise<pg.PoolClient> => {
    const opened = pool.connect().then(async (client) => {
      // Lost (the database restarted, the network cut): its locks are gone with it; the next lock opens another.
      client.on('error', () => {
        if (session !== opened) return; // released already
        session = undefined;
        client.release(true);
      });
      // A holder whose host vanished (power lost, a network gone without resets) closes nothing: PostgreSQL
      // probes its connection, so that its locks go within about half a minute, not the system's 2 hours.
      await client.query('SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3').catch(() => {});
      return client;
    });
    opened.catch(() => {
      if (session === opened) session = undefined;
    });
    return opened;
  };

  const tryLock = async (key: string, retry = true): Promise<{ client: pg.PoolClient; locked: boolean }> => {
    const current = (session ??= connect());
    const client = await current;
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key]);
      return { client, locked: rows[0]?.locked === true };
    } catch (error) {
      // A connection that died while idle (its locks with it) says so only now: asked again on a new one, once.
      if (session === current) {
        session = undefined;
        client.release(true);
      }
      if (retry) return tryLock(key, false);
      throw error;
    }
  };

  return {
    async lock(doc, waitMs) {
      const key = keyOf(schema, doc);
      const until = Date.now() + waitMs;
      for (;;) {
        if (closed) throw new PersistenceError('closed', 'The store is closed', doc);
        if (!held.has(key)) {
          held.add(key);
          let attempt: { client: pg.PoolClient; locked: boolean };
          try {
            attempt = await tryLock(key);
          } catch (cause) {
            held.delete(key);
            throw new PersistenceError('read-failed', `The document's lock could not be asked for: ${(cause as Error).message}`, doc, { cause });
          }
          if (attempt.locked) {
            const { client } = attempt;
            let released = false;
            return async () => {
              if (released) return;
              released = true;
              held.delete(key);
              // A connection lost meanwhile took the lock with it.
              await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => {});
            };
          }
          held.delete(key);
        }
        if (Date.now() >= until) throw new PersistenceError('busy', `The document is being changed whole elsewhere (a restore, a replace) for more than ${waitMs} ms`, doc);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    },
    async close() {
      closed = true;
      const open = session;
      session = undefined;
      if (open !== undefined) await open.then((client) => client.release(true), () => {});
      await pool.end().catch(() => {});
    },
  };
}
