// Observers: clients on the main thread that sync the document, apply every update they receive
// (unless told not to), and record in the ledger when each update (by its Yjs id) arrived. They are
// few, so the main thread stays idle enough that an arrival is timestamped as it comes off the socket.

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { Framing } from '../peers/framing.js';
import { type LatencyLedger, wallNow } from './ledger.js';

// Hocuspocus closes a connection that has sent nothing for a minute; observers only listen.
const KEEPALIVE_MS = 15_000;

function syncMessage(syncType: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, syncType);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

function queryAwareness(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 3);
  return encoding.toUint8Array(e);
}

export interface Observer {
  readonly doc: Y.Doc;
  /** True once the server closed the socket (before `close()`). */
  readonly dropped: boolean;
  /** True while the doc holds updates it cannot apply yet: something they build on never arrived. */
  readonly waiting: boolean;
  close(): void;
}

export interface ObserverOptions {
  readonly url: string;
  readonly framing: Framing;
  readonly doc: string;
  /** Where arrivals go (a ledger, or something that hands them to several). */
  readonly ledger: Pick<LatencyLedger, 'recordArrival'>;
  /** This observer's index in the ledger. */
  readonly index: number;
  /**
   * Whether to apply every update (a full client, the default) or only record its arrival: at tens
   * of thousands of messages a second, applying them is what would saturate this thread.
   */
  readonly apply?: boolean;
}

/** Connects, and resolves once the server's document has been received (sync step 2). */
export function openObserver({ url, framing, doc: name, ledger, index, apply = true }: ObserverOptions): Promise<Observer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(framing.url(url, name));
    ws.binaryType = 'nodebuffer';
    const doc = new Y.Doc();
    let closing = false;
    let dropped = false;
    let keepalive: NodeJS.Timeout | undefined;
    const observer: Observer = {
      doc,
      get dropped() {
        return dropped;
      },
      get waiting() {
        return doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
      },
      close() {
        closing = true;
        clearInterval(keepalive);
        ws.terminate();
      },
    };
    ws.once('error', reject);
    ws.once('close', () => {
      clearInterval(keepalive);
      if (!closing) dropped = true;
    });
    ws.once('open', () => {
      for (const m of framing.hello(name)) ws.send(m);
      ws.send(framing.wrap(name, syncMessage(0, Y.encodeStateVector(doc))));
      keepalive = setInterval(() => ws.send(framing.wrap(name, queryAwareness())), KEEPALIVE_MS);
    });
    ws.on('message', (data: Buffer) => {
      const at = wallNow();
      const inner = framing.unwrap(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (inner === undefined) return;
      const d = decoding.createDecoder(inner);
      if (decoding.readVarUint(d) !== 0) return;
      const syncType = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (syncType === 0) {
        ws.send(framing.wrap(name, syncMessage(1, Y.encodeStateAsUpdate(doc, payload))));
        return;
      }
      if (syncType === 1) {
        Y.applyUpdate(doc, payload);
        resolve(observer);
      } else {
        if (apply) Y.applyUpdate(doc, payload);
        const { from, to } = Y.parseUpdateMeta(payload);
        ledger.recordArrival(index, from, to, at);
      }
    });
  });
}
