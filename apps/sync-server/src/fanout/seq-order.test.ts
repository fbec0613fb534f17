import { describe, expect, it } from 'vitest';
import { MAX_WAITING, SeqOrder } from './seq-order.js';

interface Item {
  readonly seq: number;
  readonly from: string;
}

/** A log holding `seqs` (gaps: merged away by compaction), and an order over it. */
function setup(after: number, seqs: number[], options: { failReads?: number; trustRedis?: boolean } = {}) {
  const delivered: Item[] = [];
  const reads: Array<[number, number | undefined]> = [];
  let failReads = options.failReads ?? 0;
  const order = new SeqOrder<Item>({
    after,
    deliver: (item) => delivered.push(item),
    read: async (afterSeq, toSeq) => {
      reads.push([afterSeq, toSeq]);
      if (failReads-- > 0) throw new Error('database away');
      return seqs.filter((s) => s > afterSeq && (toSeq === undefined || s <= toSeq)).map((seq) => ({ seq, from: 'log' }));
    },
    graceMs: 5,
    // Items that came through Redis are hints until the log confirms them (unless the test says otherwise).
    trusted: options.trustRedis === false ? (item) => item.from !== 'redis' : undefined,
  });
  return { order, delivered, reads, seqsOf: () => delivered.map((d) => d.seq) };
}

const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('SeqOrder', () => {
  it('hands on in seq order, each once, whatever order they arrive in', async () => {
    const { order, seqsOf, reads } = setup(10, [11, 12, 13, 14]);
    order.offer({ seq: 12, from: 'redis' });
    order.offer({ seq: 10, from: 'redis' }); // the load covered it
    order.offer({ seq: 11, from: 'local' });
    order.offer({ seq: 12, from: 'local' }); // a duplicate
    order.offer({ seq: 14, from: 'redis' });
    order.offer({ seq: 13, from: 'redis' });
    expect(seqsOf()).toEqual([11, 12, 13, 14]);
    await settle();
    expect(reads).toEqual([]); // every gap filled within the grace: no read
    expect(order.delivered).toBe(14);
  });

  it('reads a gap that does not fill from the log, then hands on what waited behind it', async () => {
    const { order, delivered, reads } = setup(0, [1, 2, 3, 4]);
    order.offer({ seq: 4, from: 'local' });
    expect(delivered).toEqual([]);
    await settle();
    expect(reads).toEqual([[0, 4]]);
    expect(delivered.map((d) => [d.seq, d.from])).toEqual([
      [1, 'log'],
      [2, 'log'],
      [3, 'log'],
      [4, 'local'],
    ]);
  });

  it('catches up to a head seen in the log when nothing arrives (a lost last message)', async () => {
    const { order, seqsOf } = setup(5, [6, 7]);
    order.headAt(7);
    await settle();
    expect(seqsOf()).toEqual([6, 7]);
    order.headAt(7);
    order.headAt(3);
    await settle();
    expect(seqsOf()).toEqual([6, 7]);
  });

  it('steps over seqs compaction merged away: the merged update at the end of the range holds them', async () => {
    const { order, seqsOf } = setup(2, [6, 7]); // 3..6 merged into 6
    order.offer({ seq: 7, from: 'redis' });
    await settle();
    expect(seqsOf()).toEqual([6, 7]);
    const head = setup(2, [6]);
    head.order.headAt(6);
    await settle();
    expect(head.seqsOf()).toEqual([6]);
  });

  it('does not take a head seen during a read as covered by that read: what lies past the read is read next', async () => {
    // The log holds 1..5. A read of the gap below 3 is slow; meanwhile 1 and 2 arrive (through Redis)
    // and the head check sees 5. The read brings nothing new, and 4 and 5 were never read: they must
    // be read, not stepped over as if compaction had merged them away.
    const log = [1, 2, 3, 4, 5];
    const delivered: number[] = [];
    const reads: Array<[number, number | undefined]> = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const order = new SeqOrder<Item>({
      after: 0,
      deliver: (item) => delivered.push(item.seq),
      read: async (afterSeq, toSeq) => {
        reads.push([afterSeq, toSeq]);
        if (reads.length === 1) await slow;
        return log.filter((s) => s > afterSeq && (toSeq === undefined || s <= toSeq)).map((seq) => ({ seq, from: 'log' }));
      },
      graceMs: 5,
    });
    order.offer({ seq: 3, from: 'redis' });
    await settle();
    expect(reads).toEqual([[0, 3]]); // up to the first one waiting, whose own copy the log decides
    order.offer({ seq: 1, from: 'redis' });
    order.offer({ seq: 2, from: 'redis' });
    expect(delivered).toEqual([1, 2, 3]);
    order.headAt(5);
    release();
    await settle();
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    expect(reads).toEqual([[0, 3], [3, 5]]);
  });

  it('retries a read that failed (the database away), and hands on once it answers', async () => {
    const { order, seqsOf, reads } = setup(0, [1, 2], { failReads: 1 });
    order.offer({ seq: 2, from: 'redis' });
    await settle(50);
    expect(seqsOf()).toEqual([]);
    await settle(600);
    expect(seqsOf()).toEqual([1, 2]);
    expect(reads.length).toBe(2);
  });

  it('behind a gap it cannot read for a long while, keeps at most MAX_WAITING updates and reads the rest from the log once it can', async () => {
    const count = 200_000; // past what spreading the waiting seqs into Math.min could take
    const seqs = Array.from({ length: count + 1 }, (_, i) => i + 1);
    const { order, seqsOf } = setup(0, seqs, { failReads: 1 });
    const errors: unknown[] = [];
    const onUnhandled = (reason: unknown) => errors.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // Seq 1 was lost on its way; the others keep coming while the log cannot be read.
      for (let seq = 2; seq <= count + 1; seq++) order.offer({ seq, from: 'redis' });
      expect(order.pending).toBe(MAX_WAITING);
      await settle(800); // the failed read, then its retry
      expect(errors).toEqual([]);
      expect(seqsOf()).toEqual(seqs);
      expect(order.pending).toBe(0);
    } finally {
      order.stop();
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('hands on nothing once stopped', async () => {
    const { order, seqsOf } = setup(0, [1, 2]);
    order.stop();
    order.offer({ seq: 1, from: 'local' });
    order.headAt(2);
    await settle();
    expect(seqsOf()).toEqual([]);
  });

  it('drops what Redis brought for a seq the log does not hold (a forged seq far ahead), and steps over nothing for it', async () => {
    const { order, seqsOf, delivered } = setup(0, [1, 2, 3], { trustRedis: false });
    order.offer({ seq: 1_000_000, from: 'redis' });
    await settle();
    // The log was read up to the forged seq: its real updates are handed on, the forged one dropped.
    expect(seqsOf()).toEqual([1, 2, 3]);
    expect(order.pending).toBe(0);
    order.offer({ seq: 4, from: 'local' });
    expect(seqsOf()).toEqual([1, 2, 3, 4]);
    expect(delivered.every((d) => d.from !== 'redis')).toBe(true);
  });

  it("replaces what Redis brought with the log's own update once the log is read", async () => {
    const { order, delivered } = setup(0, [1, 2], { trustRedis: false });
    order.offer({ seq: 2, from: 'redis' }); // a gap before it: the log is read up to it
    await settle();
    expect(delivered.map((d) => [d.seq, d.from])).toEqual([
      [1, 'log'],
      [2, 'log'],
    ]);
  });
});
