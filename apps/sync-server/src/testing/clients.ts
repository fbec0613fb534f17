// Test helpers: real y-websocket clients (Node `ws`, no BroadcastChannel) against a running server.

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface TestClient {
  readonly doc: Y.Doc;
  readonly text: Y.Text;
  readonly provider: WebsocketProvider;
  /** Resolves once the provider has completed the sync handshake. */
  synced(): Promise<void>;
  destroy(): void;
}

/** `httpUrl` is the server's http://host:port. */
export function connectClient(
  httpUrl: string,
  docName: string,
  options: { connect?: boolean; params?: Record<string, string> } = {},
): TestClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${httpUrl.replace(/^http/, 'ws')}/ws`, encodeURIComponent(docName), doc, {
    // The `ws` WebSocket class is API-compatible with the browser's, which is what the provider expects.
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: options.connect ?? true,
    params: options.params ?? {},
  });
  return {
    doc,
    text: doc.getText('t'),
    provider,
    synced: () =>
      provider.synced ? Promise.resolve() : new Promise<void>((resolve) => provider.once('sync', () => resolve())),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Opens a raw WebSocket to /ws/<doc>; resolves once open, rejects with the HTTP status if refused. */
/** The close codes a client's connections ended with, as y-websocket reports them (filled as they close). */
export function closeCodes(client: TestClient): number[] {
  const codes: number[] = [];
  client.provider.on('connection-close', (event: CloseEvent | null) => {
    if (event !== null) codes.push(event.code);
  });
  return codes;
}

/** An awareness message as a client sends it: [1, update] with one entry (`state` as JSON; null removes it). */
export function awarenessFrame(id: number, clock: number, state: unknown): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, id);
  encoding.writeVarUint(update, clock);
  encoding.writeVarString(update, JSON.stringify(state));
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, 1);
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
  return encoding.toUint8Array(message);
}

/** A y-websocket sync message carrying `update`: an update (syncType 2, the default) or a sync step 2 (1). */
export function updateFrame(update: Uint8Array, syncType = 2): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, syncType);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

export function openRawSocket(httpUrl: string, docPath: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/ws/${docPath}`);
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Resolves with the close code and reason when `ws` closes. */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve({ code: -1, reason: 'already closed' });
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/**
 * Attempts a WebSocket upgrade of `${httpUrl}/ws/${path}` with extra request headers; resolves with
 * 101 (then closes) or with the refusal's status and body as the client received them.
 */
export function upgradeResponse(
  httpUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/ws/${path}`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve({ status: 101, body: '', headers: {} });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.once('error', reject);
      res.once('aborted', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    ws.once('error', () => undefined);
  });
}

/** What a message 102 (`?authors=1`) says. */
export interface BindingsMessage {
  bindings: Array<[number, string]>;
  authors: Record<string, { name: string; color: string; verified: boolean }>;
}

/** Records every message 102 a provider receives, and every message type. */
export function hearBindings(client: TestClient) {
  const heard: BindingsMessage[] = [];
  const types = new Set<number>();
  client.provider.messageHandlers[102] = (_encoder, decoder) => {
    heard.push(JSON.parse(decoding.readVarString(decoder)) as BindingsMessage);
  };
  const ws = () => client.provider.ws;
  client.provider.on('status', ({ status }: { status: string }) => {
    if (status === 'connected') ws()?.addEventListener('message', (e: MessageEvent) => types.add(new Uint8Array(e.data as ArrayBuffer)[0]!));
  });
  return {
    heard,
    types,
    /** client id → author, from everything heard. */
    bound: () => new Map(heard.flatMap((m) => m.bindings)),
  };
}


/** Records the seqs of every message 104 (a restore, `?acks=1`) a provider receives, in order. */
export function hearRestores(client: TestClient): number[] {
  const heard: number[] = [];
  client.provider.messageHandlers[104] = (_encoder, decoder) => {
    heard.push(decoding.readVarUint(decoder));
  };
  return heard;
}
