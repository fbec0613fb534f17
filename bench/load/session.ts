// One server under load: a fresh server process with its own data directory, observers on this
// thread writing arrivals into a ledger, and typists in a worker thread writing sends into it.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Peer, RunningPeer } from '../peers/servers.js';
import { LatencyLedger } from './ledger.js';
import { type Observer, openObserver } from './observers.js';
import { Typists } from './typists.js';

const CONNECT_DOCS_AT_ONCE = 20;

export interface SessionOptions {
  /** Names the data directory. */
  readonly scenario: string;
  /** The observers' document, and the typists' unless `add` names another. */
  readonly doc: string;
  /**
   * Observers on every document in `docs` instead (`doc` still names the typists' default): the
   * i-th observer of each document is the ledger's observer i, since an update only reaches its own.
   */
  readonly docs?: readonly string[];
  /** Observers per document. */
  readonly observers: number;
  /** Whether observers apply what they receive (a full client) or only record it. */
  readonly apply?: boolean;
}

export interface LoadSession {
  readonly peer: Peer;
  readonly server: RunningPeer;
  readonly dataDir: string;
  readonly ledger: LatencyLedger;
  readonly observers: readonly Observer[];
  readonly typists: Typists;
  /** Observers the server disconnected. */
  droppedObservers(): number;
  /** Observers holding updates they cannot apply (the server skipped something they build on). */
  waitingObservers(): number;
  /** Closes every client and stops the server; the data directory stays until `dispose`. */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/** Starts the server, connects and syncs the observers, and starts the (not yet connected) typists. */
export async function startSession(peer: Peer, options: SessionOptions): Promise<LoadSession> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `bench-${options.scenario}-${peer.name}-`));
  const server = await peer.start(dataDir);
  const ledger = new LatencyLedger(options.observers);
  const observers: Observer[] = [];
  const docs = options.docs ?? [options.doc];
  // A few documents at a time, so that connecting does not itself overload the server.
  for (let first = 0; first < docs.length; first += CONNECT_DOCS_AT_ONCE) {
    await Promise.all(
      docs.slice(first, first + CONNECT_DOCS_AT_ONCE).map(async (doc) => {
        for (let i = 0; i < options.observers; i++) {
          observers.push(await openObserver({ url: server.url, framing: peer.framing, doc, ledger, index: i, apply: options.apply ?? true }));
        }
      }),
    );
  }
  const typists = await Typists.start({ peer: peer.name, url: server.url, doc: options.doc }, (pairs) => ledger.recordSent(pairs));
  return {
    peer,
    server,
    dataDir,
    ledger,
    observers,
    typists,
    droppedObservers: () => observers.filter((o) => o.dropped).length,
    waitingObservers: () => observers.filter((o) => o.waiting).length,
    async stop() {
      await typists.close();
      for (const o of observers) o.close();
      await server.stop();
    },
    dispose: () => rm(dataDir, { recursive: true, force: true }),
  };
}
