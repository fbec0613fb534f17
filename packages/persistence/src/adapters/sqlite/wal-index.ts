// How far the WAL is ahead of the database file, read from SQLite's wal-index (the `-shm` file) without
// a connection or a lock: the checkpointer's cheap "is there enough to checkpoint?" question.
//
// The layout is SQLite's documented file format (https://www.sqlite.org/walformat.html, "The WAL-Index
// Format"): two copies of a 48-byte header (mxFrame at offset 16), then the checkpoint info (nBackfill at
// offset 96), in the machine's byte order. SQLite writes the first copy, then the second; a reader that
// sees them differ has caught a write in flight, exactly as SQLite's own readers check. A wrong answer
// here only makes a checkpoint come early or late: it never touches data.

import { readSync } from 'node:fs';
import { endianness } from 'node:os';

/** The wal-index version SQLite has written since 3.7.0. */
const WALINDEX_VERSION = 3007000;
const HEADER_BYTES = 48;
const READ_BYTES = 2 * HEADER_BYTES + 4;

export interface WalIndexState {
  /** Frames in the WAL (its last valid commit). */
  readonly frames: number;
  /** Frames already copied into the database file. */
  readonly backfilled: number;
  /** Database page size in bytes. */
  readonly pageSize: number;
}

/** The WAL's state from a wal-index's first bytes, or undefined while a write is in flight (or for an unknown layout). */
export function parseWalIndex(bytes: Uint8Array): WalIndexState | undefined {
  if (bytes.byteLength < READ_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, READ_BYTES);
  const little = endianness() === 'LE';
  for (let i = 0; i < HEADER_BYTES; i++) if (bytes[i] !== bytes[HEADER_BYTES + i]) return undefined;
  if (view.getUint32(0, little) !== WALINDEX_VERSION || bytes[12] !== 1) return undefined;
  const frames = view.getUint32(16, little);
  const backfilled = view.getUint32(2 * HEADER_BYTES, little);
  // Page size 65536 is stored as 1 (it does not fit 16 bits).
  const rawPageSize = view.getUint16(14, little);
  if (backfilled > frames) return undefined;
  return { frames, backfilled, pageSize: rawPageSize === 1 ? 65536 : rawPageSize };
}

/** Reads the wal-index of an open `-shm` file descriptor; undefined if it cannot say (retry on the next poll). */
export function readWalIndex(fd: number, buffer: Buffer = Buffer.alloc(READ_BYTES)): WalIndexState | undefined {
  // Two tries: a torn read is a write that was in flight, and the next read usually sees it finished.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (readSync(fd, buffer, 0, READ_BYTES, 0) < READ_BYTES) return undefined;
    const state = parseWalIndex(buffer);
    if (state !== undefined) return state;
  }
  return undefined;
}
