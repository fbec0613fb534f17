// Gives the WAL file its working size before the first commit. A commit that writes past the end of the
// WAL grows the file, and the flush after it then has file-system metadata to journal (the new size, the
// new blocks): on this machine's ext4 such an fdatasync takes several times as long as one over blocks
// the file already has (`npm run bench:log-write`: floor against floor-over). SQLite writes the WAL from
// its start again after every checkpoint that caught up, and cuts it back only past journal_size_limit,
// so a server that has run a while flushes over allocated blocks; a store just opened grows its WAL for
// the first several thousand commits. Writing the file full of zeros at open spares them that.
//
// Zeros are safe in a WAL: SQLite reads a WAL's header and then frames up to the first one whose salt
// and checksum do not match, so an all-zero header is an empty WAL, and zeros after the last commit are
// where the next frames go (as stale frames of an earlier cycle are after a rewind). This runs once, on
// the writer's connection, before the checkpointer thread or any reader opens: a TRUNCATE checkpoint
// first copies what the WAL holds into the database file and empties it.

import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type Database from 'better-sqlite3';

const CHUNK_BYTES = 1024 * 1024;

/**
 * Empties the WAL of `db` (a checkpoint into the database file) and writes it full of zeros up to
 * `bytes`, flushed. Returns false, touching nothing, if another connection holds the WAL or it is
 * not empty after the checkpoint.
 */
export function preallocateWal(db: Database.Database, walFile: string, bytes: number): boolean {
  if (bytes <= 0) return false;
  // Busy is an answer, not something to wait for: a reader that holds the WAL keeps it as it is.
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  let result: { busy: number } | undefined;
  try {
    [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
  if (result === undefined || result.busy !== 0) return false;
  let fd: number;
  try {
    fd = openSync(walFile, 'r+');
  } catch {
    return false; // no WAL yet: SQLite creates it at the first commit
  }
  try {
    if (fstatSync(fd).size !== 0) return false;
    const zeros = Buffer.alloc(Math.min(CHUNK_BYTES, bytes));
    try {
      for (let at = 0; at < bytes; at += zeros.length) writeSync(fd, zeros, 0, Math.min(zeros.length, bytes - at), at);
      fdatasyncSync(fd);
    } catch {
      // A disk too full for it (or failing): the store opens without it, to serve what it holds, and
      // its own checks of free space and flushes decide about writes.
      ftruncateSync(fd, 0);
      return false;
    }
    return true;
  } finally {
    closeSync(fd);
  }
}
