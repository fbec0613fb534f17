// Connects a Y.Doc to the server (stock y-websocket provider) and to this browser's IndexedDB, and
// tells whether every local change is durably stored on the server.
//
// "Saved" uses the server's opt-in stored-acks (`?acks=1`): the server answers `[100, n]` once the
// next n update messages this client sent are committed. This module counts the update messages it
// sends on each socket (sync step 2 and update) and compares. Stock clients never ask and never see it.
// An update the server refused is answered `[103, reason]` in its place: `refused` says so (the page
// then starts again from the server, see refused-change.ts).

import * as decoding from 'lib0/decoding';
import * as idb from 'lib0/indexeddb';
import { removeAwarenessStates } from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import { fetchUpdates, type IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { appPath } from '../base-path.js';
import type { ChangeCount } from './deleted-in-moves.js';
import { carryClients, rememberedClients } from './join-rescue.js';
import { adoptEarlierCopies, keepLocally } from './local-copy.js';

/** `denied`: the server refused this client for good (bad or expired token, no access, bad input). */
export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'denied';

export interface SyncStatus {
  readonly connection: ConnectionState;
  /**
   * Connected, synced, this browser's copy read (or failed), and every local change is committed on the
   * server (none was refused).
   */
  readonly saved: boolean;
  /** Local changes are stored in this browser (IndexedDB) and survive a reload. */
  readonly localReady: boolean;
  /** Why this browser's copy does not keep changes ('' while it does): unavailable, full, gone. */
  readonly localFailure: string;
  /** Why the server refused this client, when `connection` is `denied`: an HTTP status or close code, then words. */
  readonly deniedReason: string;
  /**
   * Why the server refused a local change, if it did ('' otherwise): the change is not stored and never
   * will be, and the later changes of this Y.Doc build on it (see refused-change.ts).
   */
  readonly refused: string;
}

const STORED_ACK = 100;
/** The server's "are you there?" (`?probes=1`): answered by the page, so the server can tell when it cannot talk. */
const PROBE = 101;
/** `[103, reason]`: the next update message after those acked was refused (with stored-acks only). */
const REFUSED = 103;
/** `[104, seq]`: the seq of the document's latest restore, at each connection and after each restore. */
const RESTORED = 104;
/** `[105, createdAt]`: which document the name holds, as the page joins (before its content) or once it exists. */
const DOCUMENT = 105;

/** A WebSocket that counts the Yjs update messages sent over it, and the acks received for them. */
class CountingWebSocket extends WebSocket {
  sentUpdates = 0;
  ackedUpdates = 0;
  /** The document's state vector as each update message not yet acked was sent (what its ack stores). */
  readonly sentClocks: Array<Map<number, number>> = [];
  /** How many changes the page had made as each update message not yet acked was sent (what its ack stores). */
  readonly sentChanges: number[] = [];
  /** The document's state vector now (set by the page's subclass). */
  protected clocks(): Map<number, number> {
    return new Map();
  }
  /** How many changes the page has made now (set by the page's subclass). */
  protected changesMade(): number {
    return 0;
  }

  override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    const bytes =
      data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : undefined;
    // [0 = sync, 1 = step 2 | 2 = update, ...]
    if (bytes !== undefined && bytes[0] === 0 && (bytes[1] === 1 || bytes[1] === 2)) this.sentAt(this.clocks(), this.changesMade());
    super.send(data);
  }

  /** Sends `update` as an update message whose ack stores `clocks` and `changes` (a change made earlier). */
  sendUpdate(update: Uint8Array, clocks: Map<number, number>, changes: number): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0); // sync
    encoding.writeVarUint(encoder, 2); // update
    encoding.writeVarUint8Array(encoder, update);
    this.sentAt(clocks, changes);
    super.send(encoding.toUint8Array(encoder));
  }

  private sentAt(clocks: Map<number, number>, changes: number): void {
    this.sentUpdates += 1;
    this.sentClocks.push(clocks);
    this.sentChanges.push(changes);
  }
}

export interface DocumentSync {
  readonly provider: WebsocketProvider;
  /** This browser's copy of the document (under its current name: see moveTo). */
  readonly local: IndexeddbPersistence;
  /**
   * The document was renamed to `name`: the same Y.Doc goes on, connected to the new name's room, and this
   * browser's copy moves to the new name (written whole there before the old name's is dropped). Resolves
   * once the copy has moved; the connection to the new name is started at once.
   */
  moveTo(name: string): Promise<void>;
  /** The name presented on the next (re)connection, when no token is used (the awareness tells the open one). */
  rename(name: string): void;
  status(): SyncStatus;
  onStatus(listener: (status: SyncStatus) => void): void;
  /** `listener` runs each time a version is restored here (or a restore taken back), once this page holds the edit: its seq. */
  onRestored(listener: (seq: number) => void): void;
  /**
   * How much of Yjs client `client`'s content the server said it stored for this page: its clock up to
   * which every update this page sent was acknowledged (0 when none). What is beyond it, nobody else has
   * seen yet (the server shows an update to others once stored).
   */
  storedClock(client: number): number;
  /** The server stored `client`'s writing up to `clock` (an id taken back from a page that closed with everything saved). */
  assumeStored(client: number, clock: number): void;
  /**
   * This page's changes (its local Yjs transactions that changed the document), counted: `made` so far
   * (a transaction is counted as its update is emitted, after its afterTransaction handlers), and `stored`,
   * how many of them from the first the server acknowledged storing. The others nobody else has seen.
   */
  readonly changes: ChangeCount;
  destroy(): void;
}

export interface SyncOptions {
  readonly token?: string;
  /**
   * This browser's identity, presented as `?author=<id>&name=<name>` when there is no token: the server
   * records edits under it (unverified), so they stay this person's across reconnects. A token decides
   * instead when there is one.
   */
  readonly identity?: { readonly id: string; readonly name: string };
  /** Ask for the author of each Yjs client id (`?authors=1`, message 102), for the authorship colours. */
  readonly authors?: boolean;
  /** Connect the first time only once this settles (what handles the server's changes is ready). */
  readonly connectAfter?: Promise<unknown>;
  /**
   * Run once this browser's copy is read whole into the document, before the page first connects (not when
   * the copy could not be read): the connection waits for it.
   */
  readonly beforeConnect?: () => Promise<unknown>;
}

/** How long the page waits for this browser's copy to be read before it connects without it. */
const COPY_READ_MS = 5_000;
/** WebSocket close code of a message larger than the receiver takes. */
const MESSAGE_TOO_BIG = 1009;
/** Closes that refuse a change of this tab's for good: too large (4413), not applicable (4422). */
const CHANGE_REFUSED_CODES = new Set([4413, 4422]);

/** How many bytes of changes made offline a page keeps to send one by one (see `unsent`). */
const UNSENT_KEPT_BYTES = 16 * 1024 * 1024;
/** A change made offline this large (a paste) is sent on its own as the page reconnects (see `unsent`). */
const UNSENT_LARGE_BYTES = 16 * 1024;

export function syncDocument(firstName: string, doc: Y.Doc, options: SyncOptions = {}): DocumentSync {
  let docName = firstName;
  const listeners = new Set<(status: SyncStatus) => void>();
  // Counted before the provider sends the change (its listener comes after this one).
  let changesMade = 0;
  let changesStored = 0;
  doc.on('update', (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
    if (transaction.local) changesMade += 1;
  });
  let localFailure = '';
  // Settles once this browser's copy is read into `doc`, cannot be, or is slow past COPY_READ_MS. The page
  // connects only then: what was typed offline in an earlier visit goes in the first sync step 2, and is in
  // what a page carries to a document's new name before it drops the old name's copy (found by a review:
  // a 4430 heard first carried the document without it, and the copy holding it was dropped).
  let copySettled: () => void = () => {};
  const copyRead = new Promise<void>((resolve) => {
    const slow = setTimeout(resolve, COPY_READ_MS);
    copySettled = () => {
      clearTimeout(slow);
      resolve();
    };
  });
  const keptHere = (failure: string) => {
    if (failure !== '') copySettled();
    if (failure === localFailure) return;
    localFailure = failure;
    emit();
  };
  let local = keepLocally(`tandem/${docName}`, doc, keptHere);
  /** Applies what other tabs wrote to `copy` since this page last read it (nothing, without IndexedDB). */
  const readCopyAgain = (copy: IndexeddbPersistence): Promise<unknown> =>
    copy.db === null || copy._destroyed ? Promise.resolve() : fetchUpdates(copy).catch(() => {});
  /** Whether this browser's copy was read into `doc` whole (not given up on as slow, nor failed). */
  let copyWasRead = false;
  void local.whenSynced.then(() => {
    copyWasRead = true;
    copySettled();
  });
  const wsBase = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${appPath('/ws')}`;
  // What the server acknowledged storing, by client: each ack settles the clocks its message was sent at.
  const stored = new Map<number, number>();
  // Only this browser's own clients are asked about (a document's state vector grows with every page
  // that ever wrote to it); the earlier pages' ids as this page starts (see collab/join-rescue.ts).
  const ownIds = [...new Set([doc.clientID, ...rememberedClients(docName)])];
  /** This browser's clients' clocks now (what an ack of a message sent now stores). */
  const ownClocks = () => new Map(ownIds.map((id) => [id, Y.getState(doc.store, id)]));
  class DocSocket extends CountingWebSocket {
    protected override clocks(): Map<number, number> {
      return ownClocks();
    }
    protected override changesMade(): number {
      return changesMade;
    }
  }
  const provider = new WebsocketProvider(wsBase, encodeURIComponent(docName), doc, {
    WebSocketPolyfill: DocSocket,
    params: {
      acks: '1',
      probes: '1',
      ...(options.token === undefined && options.identity !== undefined ? { author: options.identity.id, name: options.identity.name } : {}),
      ...(options.authors === true ? { authors: '1' } : {}),
    },
    // The token travels as a subprotocol offer, not in the URL, where proxy logs would keep it.
    protocols: options.token === undefined ? [] : ['tandem', `tandem.token.${options.token}`],
    disableBc: true,
    // Connected once this browser's copy is known to be of the document the server holds (checkCopy).
    connect: false,
  });

  const socket = () => provider.ws as CountingWebSocket | null;

  // This page's changes made while its socket was not open, each with what its ack stores. They went to the
  // server in the first sync's one message, refused whole when any part could not be stored (a paste making
  // the document too large): everything typed offline before it was dropped with it (found by an exploratory
  // run). A large one (a paste) is now sent on its own as the socket opens, the changes before it first
  // (before y-websocket's sync, which then finds them stored): refused, it takes only itself and what came
  // after it.
  let unsent: Array<{ update: Uint8Array; clocks: Map<number, number>; changes: number }> = [];
  let unsentBytes = 0;
  doc.on('update', (update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
    if (!transaction.local || socket()?.readyState === WebSocket.OPEN) return;
    unsentBytes += update.byteLength;
    // Past this, the first sync's one message carries them, as before (memory is not spent without bound).
    if (unsentBytes > UNSENT_KEPT_BYTES) return void (unsent = []);
    unsent.push({ update, clocks: ownClocks(), changes: changesMade });
  });
  const sendUnsent = () => {
    const ws = socket();
    const due = unsent;
    unsent = [];
    unsentBytes = 0;
    if (ws === null || ws.readyState !== WebSocket.OPEN) return;
    // Only up to the last large change (a paste): what comes after it, and everything when there is none,
    // goes in y-websocket's sync as before (its state is compact; merged updates keep every keystroke's
    // own struct, about ten times larger). The small ones before a large one go merged in one message.
    const last = due.findLastIndex((step) => step.update.byteLength >= UNSENT_LARGE_BYTES);
    let small: typeof due = [];
    const send = (steps: typeof due) => {
      const end = steps.at(-1);
      if (end !== undefined) ws.sendUpdate(steps.length === 1 ? end.update : Y.mergeUpdates(steps.map((step) => step.update)), end.clocks, end.changes);
    };
    for (const step of due.slice(0, last + 1)) {
      if (step.update.byteLength < UNSENT_LARGE_BYTES) {
        small.push(step);
        continue;
      }
      send(small);
      small = [];
      send([step]);
    }
  };

  let connection: ConnectionState = navigator.onLine ? 'connecting' : 'offline';
  let localReady = false;
  let deniedReason = '';
  let refused = '';
  /** Whether the current connection attempt's socket opened (reset when it closes). */
  let openedThisAttempt = false;
  let checkingAccess = false;
  /** The document as the HTTP API describes it to this page's token. */
  const docInfo = (signal?: AbortSignal) =>
    fetch(appPath(`/api/docs/${encodeURIComponent(docName)}`), {
      headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
      ...(signal === undefined ? {} : { signal }),
    });

  // A refused upgrade (401/403) reaches the browser only as a failed socket, which y-websocket keeps
  // retrying; ask the HTTP API, which applies the same rules, whether this is a network problem or a "no".
  const checkAccess = async () => {
    if (checkingAccess) return;
    checkingAccess = true;
    try {
      const res = await docInfo();
      if (res.status === 401 || res.status === 403) {
        const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
        provider.disconnect();
        connection = 'denied';
        deniedReason = `${res.status} ${body.error?.code ?? ''}: ${body.error?.message ?? ''}`;
        emit();
      }
    } catch {
      // Offline or server down: stay "offline" and let the provider keep trying.
    } finally {
      checkingAccess = false;
    }
  };

  // This browser's copy is of one document: the one the server holds under this name when the copy first
  // synced (its creation time, kept beside the copy). A document deleted for good and a new one given its
  // name, or none yet: the copy is of the old one, and syncing it would bring deleted text back into the
  // new one (found by a review). Such a copy is dropped and the page starts again from the server.
  const copyOfKeyOf = (name: string) => `tandem:copy-of:${name}`;
  let copyOfKey = copyOfKeyOf(docName);
  /** The tag of this page's copy (kept here too: another tab of it that moved first takes it off the old name). */
  let copyTag = localStorage.getItem(copyOfKey);
  /** The names other than this one whose copy here was of the document created at `createdAt`. */
  const earlierNames = (createdAt: string): string[] => {
    const names: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key === null || key === copyOfKey || !key.startsWith(copyOfKeyOf('')) || localStorage.getItem(key) !== createdAt) continue;
      names.push(key.slice(copyOfKeyOf('').length));
    }
    return names;
  };
  /** The copy here is of another document than the name holds now: dropped, and the page starts again from the server. */
  const dropCopy = async () => {
    localStorage.removeItem(copyOfKey);
    await local.clearData();
    location.reload();
  };
  const checkCopy = async (): Promise<boolean> => {
    const copyOf = localStorage.getItem(copyOfKey);
    if (copyOf === null) return true; // never synced here (or kept by an earlier version): nothing to compare
    const res = await docInfo(AbortSignal.timeout(5_000));
    let now: string | undefined;
    if (res.status === 200) now = ((await res.json()) as { createdAt?: string }).createdAt;
    else if (res.status !== 404) return true; // refused, in the trash, or failing: the connection says so
    if (now === copyOf) return true;
    await dropCopy();
    return false;
  };
  let checked: Promise<boolean> | undefined;
  const connectChecked = () =>
    void (checked ??= Promise.all([
      checkCopy().catch(() => true),
      options.connectAfter?.catch(() => {}),
      copyRead.then(() => (copyWasRead ? options.beforeConnect?.() : undefined)).catch(() => {}),
    ]).then(([go]) => go)).then((go) => {
      if (go && connection !== 'denied' && navigator.onLine) provider.connect();
    });
  // The server says which document the name holds ([105]): as the page joins one that exists, before any of
  // its content, or as soon as one comes to exist (its first update stored). The copy is tagged with it then,
  // in the same task: it was tagged by an HTTP request made after the first save, and a page left before
  // its answer kept an untagged copy, which a document given the name after a purge took in whole (a flaky
  // run of purged-copy.spec.ts found it). "Saved" waits for the tag (see status).
  const documentIs = (createdAt: string) => {
    // This page's own tag first: the one kept for the name may be stale while a move replaces it (renamed onto a
    // name a purged document's copy here was tagged with), and the page then took its own copy for that one's,
    // dropped it and what was typed during the move (found by a review). It may also be another tab's, made
    // for a new document given the name while this page, offline, held the purged one's (which then went in).
    const copyOf = copyTag ?? localStorage.getItem(copyOfKey);
    if (copyOf !== null && copyOf !== createdAt) {
      // Purged and its name taken since checkCopy asked: this socket goes no further (its later messages are dropped).
      provider.disconnect();
      void dropCopy();
      return;
    }
    copyTag = createdAt;
    // Another tab of it may have tagged the copy already.
    if (copyOf !== null) return emit();
    try {
      localStorage.setItem(copyOfKey, createdAt);
    } catch {
      // Storage refused: this page's copy is tagged in memory; a later visit asks the server (checkCopy finds no tag).
    }
    emit();
    // The first visit of this name: copies of this document kept here under earlier names (it was renamed)
    // are brought in, and what they held that the server lacks is sent now.
    void adoptEarlierCopies(doc, earlierNames(createdAt))
      .catch(() => [])
      .then((adopted) => {
        for (const name of adopted) {
          carryClients(name, docName, true);
          localStorage.removeItem(copyOfKeyOf(name));
        }
      });
  };

  const status = (): SyncStatus => {
    const ws = socket();
    // An open socket only: one the server has begun to close (its close frame is in, the close event one
    // round trip away) sends nothing, so what is typed then is not on its way (found by a review).
    // And only once this browser's copy was read (or cannot be): what was typed offline in an earlier
    // visit is in the document, and sent, only from then on (found by a review: "Saved" while it was not).
    const saved =
      (localReady || localFailure !== '') &&
      connection === 'connected' &&
      provider.synced &&
      ws !== null &&
      ws.readyState === ws.OPEN &&
      ws.sentUpdates === ws.ackedUpdates &&
      refused === '' &&
      // Holding something, the copy is tagged with the document first (see documentIs).
      (copyTag !== null || doc.store.clients.size === 0);
    return { connection, saved, localReady, localFailure, deniedReason, refused };
  };
  let last = '';
  const emit = () => {
    const now = status();
    const key = JSON.stringify(now);
    if (key === last) return;
    last = key;
    for (const listener of listeners) listener(now);
  };

  // Follow the browser's own network state: without this, a socket on a dead network is noticed
  // only by y-websocket's 30-second silence watchdog.
  const goOffline = () => {
    if (connection === 'denied') return; // refused for good: the network changes nothing
    provider.disconnect();
    connection = 'offline';
    emit();
  };
  const goOnline = () => {
    if (connection !== 'denied') connectChecked();
  };
  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);

  provider.messageHandlers[STORED_ACK] = (_encoder, decoder) => {
    const ws = socket();
    if (ws !== null) {
      const acked = decoding.readVarUint(decoder);
      ws.ackedUpdates += acked;
      for (let i = 0; i < acked; i++) {
        for (const [client, clock] of ws.sentClocks.shift() ?? []) stored.set(client, Math.max(stored.get(client) ?? 0, clock));
        changesStored = Math.max(changesStored, ws.sentChanges.shift() ?? 0);
      }
    }
    emit();
  };
  provider.messageHandlers[REFUSED] = (_encoder, decoder) => {
    const ws = socket();
    if (ws !== null) {
      ws.ackedUpdates += 1; // settled, if not stored: later acks count the messages after it
      ws.sentClocks.shift();
      ws.sentChanges.shift();
    }
    refused ||= decoding.readVarString(decoder) || 'no reason given';
    emit();
  };
  const restoredListeners = new Set<(seq: number) => void>();
  // The latest restore this page knows of: one it hears of later happened after its undo steps were
  // made (while connected, or while it was away, told when it connects again).
  let knownRestore: number | undefined;
  provider.messageHandlers[DOCUMENT] = (_encoder, decoder) => documentIs(new Date(decoding.readVarUint(decoder)).toISOString());
  provider.messageHandlers[RESTORED] = (_encoder, decoder) => {
    const seq = decoding.readVarUint(decoder);
    const newer = knownRestore !== undefined && seq > knownRestore;
    knownRestore = Math.max(knownRestore ?? 0, seq);
    if (newer) for (const listener of restoredListeners) listener(seq);
  };
  // y-websocket sends what a handler writes only past the first byte, hence a payload (0) after the type.
  provider.messageHandlers[PROBE] = (encoder) => {
    encoding.writeVarUint(encoder, PROBE);
    encoding.writeVarUint(encoder, 0);
  };
  provider.on('status', ({ status: s }) => {
    // Emitted as the socket opens, before y-websocket sends its sync step 1.
    if (s === 'connected') sendUnsent();
    if (s === 'connected') openedThisAttempt = true;
    connection = s === 'connected' ? 'connected' : s === 'connecting' && connection !== 'offline' ? 'connecting' : 'offline';
    emit();
  });
  provider.on('connection-close', (event: CloseEvent | null) => {
    if (event?.code === MESSAGE_TOO_BIG) {
      // The socket layer cut a message of ours past what the server takes in one: sent again after a
      // reconnect it would be cut again, for ever. A change that can never be stored, as a refused one.
      provider.disconnect();
      refused ||= 'the change is larger than the server takes in one message';
      connection = 'denied';
      deniedReason = `${MESSAGE_TOO_BIG} ${refused}`;
      emit();
      return;
    }
    if (connection !== 'denied') connection = 'offline';
    emit();
    // A socket that closed without ever opening was refused, or never reached the server: ask which
    // (access can end while a page is offline: a token that expired overnight, a user revoked).
    if (!openedThisAttempt && navigator.onLine) void checkAccess();
    openedThisAttempt = false;
  });
  // y-websocket stops reconnecting after a 44xx close: the server said retrying cannot help.
  provider.on('closed', ({ code, reason }) => {
    connection = 'denied';
    deniedReason = `${code} ${reason}`;
    // A change of ours the server can never take (the document would be too large, or it cannot apply
    // it): it is in this browser's copy, which would send it again after any reload.
    if (CHANGE_REFUSED_CODES.has(code)) refused ||= reason || `closed with ${code}`;
    emit();
  });
  // Another tab of this document in this browser may have closed with words the server never got (typed
  // offline): they are in the copy both tabs write to, which a page reads once as it opens. Read again
  // each time this page is in touch with the server, so they go there now.
  provider.on('sync', (synced: boolean) => {
    if (synced) void readCopyAgain(local);
    emit();
  });
  // The provider's own update handler was registered first, so the message is already counted here.
  doc.on('update', () => emit());
  if (navigator.onLine) connectChecked();
  void local.whenSynced.then(() => {
    localReady = true;
    emit();
  });

  // Renamed: the same document under another name. The server closed the old name's connections (4430);
  // the provider is pointed at the new name's room and connects again with this Y.Doc, so whatever was typed
  // meanwhile goes in its first sync. This browser's copy follows: the new name's copy is written whole
  // (a copy of another document left there is dropped first: it would bring that one's text in), then the
  // old name's is dropped.
  let moving: Promise<void> = Promise.resolve();
  const moveTo = (to: string): Promise<void> => {
    if (to === docName) return moving;
    const from = docName;
    docName = to;
    provider.disconnect();
    // The people of the old name's room are gone from this page (y-websocket drops them as the socket
    // closes), and so is what it knew of them: a state is taken only with a clock newer than the last one
    // seen, and theirs comes back from the new room unchanged, so their cursors stayed away (found by this
    // move's test) until each renewed its state.
    const awareness = provider.awareness;
    const others = [...awareness.getStates().keys()].filter((id) => id !== doc.clientID);
    removeAwarenessStates(awareness, others, 'moved');
    for (const id of [...awareness.meta.keys()]) if (id !== doc.clientID) awareness.meta.delete(id);
    provider.roomname = encodeURIComponent(to);
    if (connection === 'denied') deniedReason = '';
    connection = navigator.onLine ? 'connecting' : 'offline';
    emit();
    if (navigator.onLine) provider.connect();
    moving = moving.then(async () => {
      const previous = local; // the copy of the name before (renamed twice quickly: the one the first move made)
      // What other tabs of it kept there (words typed offline in one closed since) comes along.
      await readCopyAgain(previous);
      const mine = copyTag ?? localStorage.getItem(copyOfKeyOf(from));
      copyOfKey = copyOfKeyOf(to);
      // The new name's copy is this document's only when tagged so (another tab of it moved first).
      const there = localStorage.getItem(copyOfKey);
      if (there === null || there !== mine) {
        await idb.deleteDB(`tandem/${to}`).catch(() => {});
        localStorage.removeItem(copyOfKey);
      }
      if (mine !== null) localStorage.setItem(copyOfKey, (copyTag = mine));
      localStorage.removeItem(copyOfKeyOf(from));
      const next = keepLocally(`tandem/${to}`, doc, keptHere);
      local = next;
      // y-indexeddb writes the whole document into a copy as it opens it. The old name's copy is dropped
      // only once that is done: until then it is where what was typed offline is kept.
      const written = await new Promise<boolean>((resolve) => {
        void next.whenSynced.then(() => resolve(true));
        next._db.catch(() => resolve(false));
      });
      await previous.destroy();
      // (Not y-indexeddb's clearData: it resolves before the deletion is done.)
      if (written) await idb.deleteDB(previous.name).catch(() => {});
    });
    return moving;
  };

  return {
    provider,
    get local() {
      return local;
    },
    moveTo,
    status,
    rename(name) {
      if (provider.params.author !== undefined) provider.params.name = name; // read from params at each (re)connect
    },
    storedClock: (client) => stored.get(client) ?? 0,
    assumeStored: (client, clock) => void stored.set(client, Math.max(stored.get(client) ?? 0, clock)),
    changes: { made: () => changesMade, stored: () => changesStored },
    onRestored(listener) {
      restoredListeners.add(listener);
    },
    onStatus(listener) {
      listeners.add(listener);
      listener(status());
    },
    destroy() {
      listeners.clear();
      restoredListeners.clear();
      window.removeEventListener('offline', goOffline);
      window.removeEventListener('online', goOnline);
      provider.destroy();
      void local.destroy();
    },
  };
}
