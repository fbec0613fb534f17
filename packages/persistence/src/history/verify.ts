// Checks a document's stored history: replays the whole log from the first update and confirms that
// every checkpoint holds exactly the state the log reaches at its sequence number. Linear in what it
// reads: the log once, in chunks, and every checkpoint twice (once to list it, once to compare).

import * as Y from 'yjs';
import type { DocumentStore } from '../types.js';

export interface VerifyReport {
  readonly doc: string;
  readonly updates: number;
  readonly checkpoints: number;
  readonly problems: string[];
}

export async function verifyDocument(
  store: DocumentStore,
  doc: string,
  onProgress: (seq: number, lastSeq: number) => void = () => {},
  chunk = 5_000,
): Promise<VerifyReport> {
  const info = await store.getDocument(doc);
  if (info === undefined) return { doc, updates: 0, checkpoints: 0, problems: [`no document named ${JSON.stringify(doc)}`] };
  const problems: string[] = [];
  const replay = new Y.Doc();
  // The seq of every checkpoint, oldest first: walk back from the latest. Only seqs are kept (each state
  // is read again when the replay reaches it), so memory stays one document, not one per checkpoint.
  const checkpoints: Array<{ seq: number }> = [];
  for (let cp = await store.latestCheckpoint(doc); cp !== undefined; cp = cp.seq > 1 ? await store.latestCheckpoint(doc, cp.seq - 1) : undefined) {
    checkpoints.push({ seq: cp.seq });
  }
  checkpoints.reverse();
  let next = 0;
  let expectedSeq = 1;
  let count = 0;
  /** Compares the checkpoint at `seq` with the replay, without building a document from it. */
  const check = async (seq: number) => {
    try {
      const { structs, ds } = Y.decodeUpdate((await store.latestCheckpoint(doc, seq))!.state);
      const sv = new Map<number, number>();
      for (const struct of structs) sv.set(struct.id.client, Math.max(sv.get(struct.id.client) ?? 0, struct.id.clock + struct.length));
      if (!Y.equalSnapshots(Y.createSnapshot(ds, sv), Y.snapshot(replay))) {
        problems.push(`checkpoint at seq ${seq} differs from the log replayed to seq ${seq}`);
      }
    } catch (error) {
      problems.push(`checkpoint at seq ${seq} cannot be read: ${(error as Error).message}`);
    }
  };
  for (let after = 0; ; ) {
    const batch = await store.readUpdates(doc, { afterSeq: after, limit: chunk });
    // Updates between two checkpoints are applied in one transaction (one clean-up, not one per update).
    for (let i = 0; i < batch.length; ) {
      let reached: number | undefined;
      Y.transact(replay, () => {
        for (; i < batch.length && reached === undefined; i++) {
          const u = batch[i]!;
          // Gaps are expected after compaction; the order must still rise.
          if (u.seq < expectedSeq) problems.push(`log goes back from seq ${expectedSeq - 1} to ${u.seq}`);
          expectedSeq = u.seq + 1;
          try {
            Y.applyUpdate(replay, u.update);
          } catch (error) {
            problems.push(`update ${u.seq} cannot be applied: ${(error as Error).message}`);
          }
          count += 1;
          if (checkpoints[next]?.seq === u.seq) reached = u.seq;
        }
      });
      for (; reached !== undefined && checkpoints[next]?.seq === reached; next++) await check(reached);
    }
    if (batch.length > 0) onProgress(batch.at(-1)!.seq, info.lastSeq);
    if (batch.length < chunk) break;
    after = batch.at(-1)!.seq;
  }
  if (count !== info.updateCount) problems.push(`document records ${info.updateCount} updates, the log holds ${count}`);
  if (next < checkpoints.length) problems.push(`${checkpoints.length - next} checkpoint(s) point past the log`);
  // A version named inside a range while it was being merged (possible before compaction checked for
  // it): it is served as the merged update that holds it, which is not the state that was named.
  for (const v of await store.listVersions(doc)) {
    const stored = v.seq === 0 ? 0 : await store.seqAtOrAfter(doc, v.seq);
    if (stored !== v.seq) {
      problems.push(`named version ${v.id} (${JSON.stringify(v.label)}) is at seq ${v.seq}, which compaction merged away; it shows seq ${stored ?? 'none'}`);
    }
  }
  replay.destroy();
  return { doc, updates: count, checkpoints: checkpoints.length, problems };
}
