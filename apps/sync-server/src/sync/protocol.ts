// The y-websocket wire protocol: message types as named constants, one decoder over them, and the
// encoders the server sends. Decoding never applies anything; the room decides what to do.

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { TandemError } from '../errors.js';

export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3, stored: 100, probe: 101, authors: 102, refused: 103, restored: 104, document: 105 } as const;
export const SyncType = { step1: 0, step2: 1, update: 2 } as const;

export type ClientMessage =
  | { readonly kind: 'sync-step1'; readonly stateVector: Uint8Array }
  | { readonly kind: 'update'; readonly update: Uint8Array; readonly fromStep2: boolean }
  | { readonly kind: 'awareness'; readonly update: Uint8Array }
  | { readonly kind: 'query-awareness' }
  | { readonly kind: 'auth' }
  | { readonly kind: 'probe-answer' };

/** Decodes one client frame; throws TandemError('bad-message') on anything malformed. */
export function decodeClientMessage(data: Uint8Array): ClientMessage {
  try {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync: {
        const syncType = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (syncType === SyncType.step1) return { kind: 'sync-step1', stateVector: payload };
        if (syncType === SyncType.step2 || syncType === SyncType.update) {
          return { kind: 'update', update: payload, fromStep2: syncType === SyncType.step2 };
        }
        throw new Error(`unknown sync message type ${syncType}`);
      }
      case MessageType.awareness:
        return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) };
      case MessageType.queryAwareness:
        return { kind: 'query-awareness' };
      case MessageType.auth:
        return { kind: 'auth' };
      case MessageType.probe:
        return { kind: 'probe-answer' };
      default:
        throw new Error(`unknown message type ${type}`);
    }
  } catch (cause) {
    if (cause instanceof TandemError) throw cause;
    throw new TandemError('bad-message', `Malformed message: ${(cause as Error).message}`, {}, { cause });
  }
}

function encodeSync(syncType: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  encoding.writeVarUint(encoder, syncType);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array => encodeSync(SyncType.step1, stateVector);
export const encodeSyncStep2 = (update: Uint8Array): Uint8Array => encodeSync(SyncType.step2, update);
export const encodeUpdate = (update: Uint8Array): Uint8Array => encodeSync(SyncType.update, update);

export function encodeAwareness(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/**
 * Tandem's one extension, sent only to clients that ask for it with `?acks=1` on the WebSocket URL
 * (stock clients never see it): `[100, n]` says the next `n` sync step 2 / update messages this
 * client sent are durably stored (or carried nothing to store), in the order it sent them.
 */
export function encodeStoredAck(count: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.stored);
  encoding.writeVarUint(encoder, count);
  return encoding.toUint8Array(encoder);
}

/**
 * With stored-acks (`?acks=1`) only: `[103, reason]` says the next update message this client sent
 * (after those counted by earlier acks) was refused by the update gate and will never be stored. Its
 * change stays in the client's Y.Doc, and every later update of that Yjs client builds on it (Yjs
 * integrates a client's items in clock order), so those are refused too: the client must drop its
 * state and load the document from the server again.
 */
export function encodeRefused(reason: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.refused);
  encoding.writeVarString(encoder, reason);
  return encoding.toUint8Array(encoder);
}

/**
 * With stored-acks (`?acks=1`) only: `[104, seq]`, the seq of the document's latest restore (0 if none),
 * sent when the connection joins and right after each restore (or a restore taken back) reaches it. A
 * client that sees it grow forgets its undo steps: made against the text the restore replaced, undoing
 * them would put that text in a second time. At join, it tells a client that was away during a restore.
 */
export function encodeRestored(seq: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.restored);
  encoding.writeVarUint(encoder, seq);
  return encoding.toUint8Array(encoder);
}

/**
 * With stored-acks (`?acks=1`) only: `[105, createdAt]`, which document the name holds (its creation time,
 * ms since the epoch; a document purged and a new one given its name differ). Sent when the connection joins
 * a document that exists, and as soon as one comes to exist (its first update stored), which is before the
 * ack that says that update is stored arrives. A page keeps its browser copy tagged with it: a copy of
 * one document must never be synced into another that took its name later.
 */
export function encodeDocumentCreated(createdAt: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.document);
  encoding.writeVarUint(encoder, createdAt);
  return encoding.toUint8Array(encoder);
}

/**
 * Tandem's "are you there?", sent instead of a WebSocket ping to clients that ask for it with
 * `?probes=1`; they answer `[101, …]`. A browser's network stack answers pings on its own, also
 * when the page can no longer send anything (DevTools' offline mode is one case), so for such a
 * client only an answer from the page itself proves it is there (see heartbeat.ts).
 */
export const PROBE: Uint8Array = Uint8Array.of(MessageType.probe);

/**
 * Who wrote with which Yjs client ids, sent only to clients that ask with `?authors=1` (the editor's
 * authorship colours): `[102, JSON]` with `{ bindings: [[clientId, authorId], …], authors: { [authorId]:
 * { name, color, verified } } }`. The author is the one the server stored the client's updates as.
 */
export function encodeAuthorBindings(json: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.authors);
  encoding.writeVarString(encoder, json);
  return encoding.toUint8Array(encoder);
}
