// What SQLite will drop of a write-ahead log when it opens the database. SQLite replays the WAL's frames
// up to the last commit whose frames all carry the header's salts and a valid running checksum, and
// silently ignores the rest. After a kill -9 nothing is ignored (the kernel keeps what was written);
// after a power cut only the commits not yet flushed are (in the default durability, never acknowledged
// to anyone). A whole commit past a frame that fails its checksum is otherwise the disk corrupting what
// was written: acknowledged updates. Before the store opens, it reads the WAL as SQLite will, and when
// a complete commit would be ignored it keeps a copy of the file and says so (see openSqliteStore).
//
// Format (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header (magic, version, page size,
// checkpoint sequence, salt-1, salt-2, checksum-1, checksum-2), then frames of a 24-byte header (page
// number, database size after a commit or 0, salt-1, salt-2, checksum-1, checksum-2) and one page.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
const MAGIC_LITTLE = 0x377f0682;
const MAGIC_BIG = 0x377f0683;
const READ_BYTES = 1024 * 1024;

export interface WalScan {
  /** Frames SQLite replays, and the commits among them. */
  readonly replayedFrames: number;
  readonly replayedCommits: number;
  /**
   * Complete frames of the same WAL (the header's salts) past the first one that fails its checksum,
   * and the commits among them: what SQLite will ignore. Frames of an earlier WAL (other salts) are
   * left-overs it ignores by design, and are not counted.
   */
  readonly ignoredFrames: number;
  readonly ignoredCommits: number;
}

/** Whether this machine stores 32-bit words little-endian (x86, ARM as run): then a WAL of its own is read as words. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing from `s`. */
function checksum(data: Buffer, bigEndian: boolean, s: [number, number]): [number, number] {
  let [s0, s1] = s;
  if (!bigEndian && LITTLE_ENDIAN_HOST && data.byteOffset % 4 === 0) {
    // The same sums over the words in place, about twice as fast as reading each word.
    const words = new Uint32Array(data.buffer, data.byteOffset, data.length / 4);
    for (let i = 0; i < words.length; i += 2) {
      s0 = (s0 + words[i]! + s1) >>> 0;
      s1 = (s1 + words[i + 1]! + s0) >>> 0;
    }
    return [s0, s1];
  }
  for (let i = 0; i < data.length; i += 8) {
    const x0 = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const x1 = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

/** Reads the WAL at `path` as SQLite will when it opens it; undefined if there is none, or no valid header. */
export function scanWal(path: string): WalScan | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined; // no WAL: nothing to replay
  }
  try {
    const size = fstatSync(fd).size;
    if (size < HEADER_BYTES) return undefined;
    const header = Buffer.alloc(HEADER_BYTES);
    readSync(fd, header, 0, HEADER_BYTES, 0);
    const magic = header.readUInt32BE(0);
    if (magic !== MAGIC_LITTLE && magic !== MAGIC_BIG) return undefined;
    const bigEndian = magic === MAGIC_BIG;
    const pageSize = header.readUInt32BE(8);
    const salt1 = header.readUInt32BE(16);
    const salt2 = header.readUInt32BE(20);
    let sum = checksum(header.subarray(0, 24), bigEndian, [0, 0]);
    // A header that fails its checksum makes SQLite ignore the whole file (as a WAL being reset).
    if (sum[0] !== header.readUInt32BE(24) || sum[1] !== header.readUInt32BE(28)) return undefined;
    const frameBytes = FRAME_HEADER_BYTES + pageSize;
    // Read a few hundred frames at a time (one read per frame was half the time of a long WAL's scan).
    const perRead = Math.max(1, Math.floor(READ_BYTES / frameBytes));
    const chunk = Buffer.alloc(perRead * frameBytes);
    let chunkStart = -1;
    let chunkEnd = -1;
    let replayedFrames = 0;
    let replayedCommits = 0;
    let validSince = 0; // frames valid since the last commit, replayed only if a commit follows
    let broken = false;
    let ignoredFrames = 0;
    let ignoredCommits = 0;
    for (let offset = HEADER_BYTES; offset + frameBytes <= size; offset += frameBytes) {
      if (offset + frameBytes > chunkEnd) {
        chunkStart = offset;
        chunkEnd = offset + readSync(fd, chunk, 0, Math.min(chunk.length, size - offset), offset);
        if (offset + frameBytes > chunkEnd) break; // the file shrank meanwhile
      }
      const frame = chunk.subarray(offset - chunkStart, offset - chunkStart + frameBytes);
      const ours = frame.readUInt32BE(8) === salt1 && frame.readUInt32BE(12) === salt2;
      const commit = frame.readUInt32BE(4) !== 0;
      if (!broken) {
        const next = checksum(frame.subarray(FRAME_HEADER_BYTES), bigEndian, checksum(frame.subarray(0, 8), bigEndian, sum));
        if (ours && next[0] === frame.readUInt32BE(16) && next[1] === frame.readUInt32BE(20)) {
          sum = next;
          validSince += 1;
          if (commit) {
            replayedFrames += validSince;
            replayedCommits += 1;
            validSince = 0;
          }
          continue;
        }
        broken = true;
        // The valid frames of a commit that never completed are ignored too; they held no commit.
        ignoredFrames += validSince;
      }
      if (!ours) continue; // a left-over of an earlier WAL
      ignoredFrames += 1;
      if (commit) ignoredCommits += 1;
    }
    return { replayedFrames, replayedCommits, ignoredFrames, ignoredCommits };
  } finally {
    closeSync(fd);
  }
}
