// How each compared server frames y-protocols messages on its WebSocket: Tandem (in every durability
// mode), the floors (relays) and the reference server speak them bare, Hocuspocus prefixes every message with the document name. Kept apart from
// the process launcher so a load-generator worker can frame messages without starting anything.

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export interface Framing {
  /** WebSocket URL of a document. */
  url(base: string, doc: string): string;
  /** Messages to send right after the socket opens (Hocuspocus' auth). */
  hello(doc: string): Uint8Array[];
  /** A y-protocols message as this server wants it. */
  wrap(doc: string, message: Uint8Array): Uint8Array;
  /** The y-protocols message inside a server frame (Hocuspocus' SyncReply counts as sync), or undefined. */
  unwrap(data: Uint8Array): Uint8Array | undefined;
}

const plain = (prefix: string): Framing => ({
  url: (base, doc) => `${base.replace(/^http/, 'ws')}${prefix}/${encodeURIComponent(doc)}`,
  hello: () => [],
  wrap: (_doc, m) => m,
  unwrap: (d) => d,
});

const hocuspocus: Framing = {
  url: (base) => base.replace(/^http/, 'ws'),
  hello: (doc) => {
    const e = encoding.createEncoder();
    encoding.writeVarString(e, doc);
    encoding.writeVarUint(e, 2); // Auth
    encoding.writeVarUint(e, 0); // Token
    encoding.writeVarString(e, '');
    return [encoding.toUint8Array(e)];
  },
  wrap: (doc, m) => {
    const e = encoding.createEncoder();
    encoding.writeVarString(e, doc);
    encoding.writeUint8Array(e, m);
    return encoding.toUint8Array(e);
  },
  unwrap: (data) => {
    const d = decoding.createDecoder(data);
    decoding.readVarString(d);
    const type = decoding.readVarUint(d);
    // Sync (0) and SyncReply (4) become y-protocols sync, awareness (1) stays; the rest is Hocuspocus' own.
    const inner = type === 0 || type === 4 ? 0 : type === 1 ? 1 : undefined;
    if (inner === undefined) return undefined;
    const rest = data.subarray(d.pos);
    const out = new Uint8Array(rest.byteLength + 1);
    out[0] = inner;
    out.set(rest, 1);
    return out;
  },
};

export const FRAMINGS = {
  tandem: plain('/ws'),
  'tandem-ack': plain('/ws'),
  'tandem-none': plain('/ws'),
  'tandem-small-young': plain('/ws'),
  'tandem-v8-default': plain('/ws'),
  'tandem-postgres': plain('/ws'),
  'tandem-baseline': plain('/ws'),
  relay: plain(''),
  'durable-relay': plain(''),
  'y-websocket-server': plain(''),
  hocuspocus,
} as const satisfies Record<string, Framing>;

export type PeerName = keyof typeof FRAMINGS;

export function isPeerName(name: string): name is PeerName {
  return Object.hasOwn(FRAMINGS, name);
}
