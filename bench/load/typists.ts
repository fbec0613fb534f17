// The typists of a load run, as seen from the main thread: they live in a worker thread (see
// ./typists-worker.ts) so that their sending never delays the observers that time arrivals here.
// This handle adds typists, sets how fast they type, and collects their send times and the
// worker's health (event-loop lag and utilization, sends it had to skip).

import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { PeerName } from '../peers/framing.js';
import { wallNow } from './ledger.js';

export interface TypistsSetup {
  readonly peer: PeerName;
  /** The server's base URL (http://host:port). */
  readonly url: string;
  /** The document typists join unless `add` names another. */
  readonly doc: string;
}

export type TypistsRequest =
  | { readonly id: number; readonly op: 'add'; readonly count: number; readonly doc?: string }
  | { readonly id: number; readonly op: 'rate'; readonly perSecond: number }
  | { readonly id: number; readonly op: 'stats' }
  | { readonly id: number; readonly op: 'clock' }
  | { readonly id: number; readonly op: 'close' };

/** What the worker measured about itself since the previous `stats()`. */
export interface TypistsStats {
  readonly typists: number;
  /** Updates sent. */
  readonly sent: number;
  /** Updates that were due but skipped because the worker was more than a quarter second behind. */
  readonly missed: number;
  /** Typists whose socket the server closed (or that failed), in total. */
  readonly closed: number;
  /** Bytes the typists read from the server (and skipped). */
  readonly receivedBytes: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export type TypistsMessage =
  | { readonly type: 'reply'; readonly id: number; readonly result: unknown }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'sent'; readonly pairs: Float64Array };

export class Typists {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private elu: EventLoopUtilization;

  private constructor(
    private readonly worker: Worker,
    onSent: (pairs: Float64Array) => void,
  ) {
    this.elu = worker.performance.eventLoopUtilization();
    worker.on('message', (m: TypistsMessage) => {
      if (m.type === 'sent') return onSent(m.pairs);
      const waiter = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.type === 'reply') waiter?.resolve(m.result);
      else waiter?.reject(new Error(`typists worker: ${m.message}`));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new Error(`typists worker exited (${code})`)));
  }

  /**
   * Starts the worker. `onSent` receives every batch of (update key, send time) pairs; the worker
   * sends its batches before answering any request, so after `setRate` or `stats` resolves every
   * send made before it has been handed over.
   */
  static async start(setup: TypistsSetup, onSent: (pairs: Float64Array) => void): Promise<Typists> {
    // tsx's hooks do not reach a worker's entry module on Node 20, so the entry is plain JavaScript
    // that registers tsx and then imports the TypeScript worker.
    const worker = new Worker(new URL('./typists-worker.mjs', import.meta.url), { workerData: setup });
    const typists = new Typists(worker, onSent);
    await new Promise<void>((resolve, reject) => {
      worker.once('online', resolve);
      worker.once('error', reject);
    });
    return typists;
  }

  /**
   * Connects `count` more typists to `doc` (the setup's document by default), idle until a rate is
   * set or typing at the current rate; resolves with the total over all documents.
   */
  add(count: number, doc?: string): Promise<number> {
    return this.request({ op: 'add', count, ...(doc === undefined ? {} : { doc }) }) as Promise<number>;
  }

  /** Every typist sends `perSecond` updates a second from now on (0 pauses them). */
  async setRate(perSecond: number): Promise<void> {
    await this.request({ op: 'rate', perSecond });
  }

  async stats(): Promise<TypistsStats & { utilization: number }> {
    const stats = (await this.request({ op: 'stats' })) as TypistsStats;
    const elu = this.worker.performance.eventLoopUtilization(this.elu);
    this.elu = this.worker.performance.eventLoopUtilization();
    return { ...stats, utilization: elu.utilization };
  }

  /**
   * How far the worker's `wallNow()` is ahead of this thread's, from the round trip with the
   * shortest time. Both derive from one clock, so this is expected to be microseconds.
   */
  async clockOffsetMs(rounds = 20): Promise<number> {
    let best = { rtt: Infinity, offset: 0 };
    for (let i = 0; i < rounds; i++) {
      const t0 = wallNow();
      const theirs = (await this.request({ op: 'clock' })) as number;
      const t1 = wallNow();
      if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: theirs - (t0 + t1) / 2 };
    }
    return best.offset;
  }

  async close(): Promise<void> {
    await this.request({ op: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }

  private request(body: WithoutId<TypistsRequest>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id });
    });
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}
