// Delivery of committed updates (and presence) between instances that share one PostgreSQL log,
// through Redis pub/sub: one channel per document. Redis is never trusted to keep or deliver anything:
// a message lost (Redis down, a reconnect, a slow subscriber) is healed from the log by seq (see
// remote-order.ts). Messages carry the sending instance's id, so an instance drops its own.
//
// Each instance also says it is alive on one channel of its own (`<prefix>:instances`): a heartbeat every
// `heartbeatMs`, a goodbye when it stops. An instance not heard from for HEARTBEATS_TO_GONE heartbeats
// is taken for dead, and the presence it held is dropped everywhere (nobody there will remove it).
//
// A message: [version 2][kind][instance id: 16 bytes][sent at: float64 ms]
//   kind update:    [seq: float64][author length: uint16][author: UTF-8][payload]
//   kind awareness: [payload]; heartbeat, goodbye, trashed, moved, restored, presence query: nothing more
//   (the store says where to, and which restore)
// Version 1 (no author) is refused whole: the update it carried is read from the log, author and all.
// An update bigger than `inlineMaxBytes` goes as its seq alone (an empty payload): the others read it
// from the log. A pasted book then crosses Redis as 34 bytes, and never fills a subscriber's output
// buffer (Redis disconnects a pub/sub client past `client-output-buffer-limit pubsub`, 32 MB by default).

import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { newRedis } from './ioredis.js';

const VERSION = 2;
const KIND_UPDATE = 1;
const KIND_AWARENESS = 2;
const KIND_HEARTBEAT = 3;
const KIND_GOODBYE = 4;
const KIND_TRASHED = 5;
const KIND_MOVED = 6;
/** An instance opened the document (or heard Redis again): each other one sends the presence its clients hold. */
const KIND_PRESENCE_QUERY = 7;
/** A version of the document was restored: the store says which seq (its restores record). */
const KIND_RESTORED = 8;
/**
 * Heartbeats an instance may miss before the others take it for dead; and its own heartbeats it may miss
 * hearing back before it takes Redis for away (a Redis that hangs without closing its connections).
 */
export const HEARTBEATS_TO_GONE = 5;
const ID_BYTES = 16;
/** An author id longer than this is not sent through Redis: the others read that update (author and all) from the log. */
const MAX_AUTHOR_BYTES = 1024;
const SEQ_ONLY = new Uint8Array(0);
const HEADER = 2 + ID_BYTES + 8;

export interface FanoutEvents {
  fanoutPublished(kind: 'update' | 'awareness'): void;
  fanoutPublishFailed(kind: 'update' | 'awareness'): void;
  fanoutReceived(kind: 'update' | 'awareness', lagMs: number, bytes: number): void;
  fanoutConnected(connected: boolean): void;
  /** How many other instances this one hears (alive by their heartbeat). */
  fanoutInstances(count: number): void;
  /** A message in another format (an instance of another version) was dropped; the log brings its update. */
  fanoutRejected(reason: 'old-format' | 'malformed'): void;
}

/** What a document's room hears from other instances. */
export interface RemoteHandler {
  /** `author`: who the other instance stored it as (the log decides, as for the rest of the message). */
  update(seq: number, update: Uint8Array, author: string): void;
  /** `from`: the sending instance, as `instanceGone` names it. */
  awareness(update: Uint8Array, from: string): void;
  /** Instance `from` stopped or died: drop the presence it held. */
  instanceGone(from: string): void;
  /** Messages may have been missed (Redis came back): catch up from the log. */
  resync(): void;
  /** The document was moved to the trash through another instance. */
  trashed(): void;
  /** The document was renamed through another instance (its new name is the store's to tell). */
  moved(): void;
  /** A version was restored through another instance (which seq is the store's to tell). */
  restored(): void;
  /**
   * Another instance opened the document (or came back to Redis and asks): publish the presence this
   * instance's own clients hold (their clients renew it only every 15 s, and the newcomer should not wait
   * for that). `afterOutage`: this instance itself is back from being cut off from Redis, and the others
   * may have taken it for dead and removed its people: the states go out with their clocks raised.
   */
  presenceAsked(afterOutage: boolean): void;
}

/** One document's link to the other instances. */
export interface DocFanout {
  publishUpdate(seq: number, update: Uint8Array, author: string): void;
  publishAwareness(update: Uint8Array): void;
  /** Stops hearing the document. */
  leave(): void;
}

export interface Fanout {
  /** Resolves once connected to Redis, or after `timeoutMs` (the server starts without it: the log heals). */
  ready(timeoutMs: number): Promise<boolean>;
  /** Tells the instances that have `doc` open that it went to the trash (best-effort, as every message). */
  announceTrashed(doc: string): void;
  /** Tells the instances that have `doc` open that it was renamed (best-effort; they ask the store where to). */
  announceMoved(doc: string): void;
  /** Tells the instances that have `doc` open that a version was restored (best-effort; they ask the store). */
  announceRestored(doc: string): void;
  /** Resolves once subscribed (or at once while Redis is away: the log heals what is missed). */
  join(doc: string, handler: RemoteHandler): Promise<DocFanout>;
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface RedisFanoutOptions {
  readonly url: string;
  /** Channel names start with it: deployments sharing one Redis do not hear each other. */
  readonly prefix: string;
  readonly logger: Logger;
  readonly events: FanoutEvents;
  /** How long a join waits for its subscription before going on without it. Default 1000 ms. */
  readonly subscribeTimeoutMs?: number;
  /** Updates bigger than this are published as their seq only. Default 64 KiB. */
  readonly inlineMaxBytes?: number;
  /** How often this instance says it is alive. Default 1000 ms. */
  readonly heartbeatMs?: number;
}

export function createRedisFanout(options: RedisFanoutOptions): Fanout {
  const instance = randomBytes(ID_BYTES);
  const connectionOptions = {
    // A command while Redis is away fails at once instead of queueing: a publish is best-effort.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 2_000),
    lazyConnect: false,
  };
  const pub = newRedis(options.url, connectionOptions);
  // The subscriber queues its (re)subscriptions until it is connected again.
  const sub = newRedis(options.url, { ...connectionOptions, enableOfflineQueue: true, maxRetriesPerRequest: null });
  const handlers = new Map<string, Set<RemoteHandler>>();
  const channelOf = (doc: string) => `${options.prefix}:doc:${doc}`;
  const docOf = (channel: string) => channel.slice(options.prefix.length + 5);
  const instancesChannel = `${options.prefix}:instances`;
  const heartbeatMs = options.heartbeatMs ?? 1_000;
  const inlineMaxBytes = options.inlineMaxBytes ?? 64 * 1024;
  const goneAfterMs = HEARTBEATS_TO_GONE * heartbeatMs;
  /** Other instances heard from: id (hex) → when last heard. */
  const peers = new Map<string, number>();
  let connected = false;
  let connectedAt = 0;
  /** When this instance last heard its own heartbeat back: Redis took it and delivered it, both ways work. */
  let heardSelfAt = 0;
  let everConnected = false;
  let closed = false;

  const gone = (peer: string, reason: 'goodbye' | 'silent') => {
    if (!peers.delete(peer)) return;
    options.events.fanoutInstances(peers.size);
    options.logger.info({ event: 'instance-gone', instance: peer, reason }, reason === 'goodbye' ? 'another instance stopped' : 'another instance went silent: taken for dead');
    for (const set of handlers.values()) for (const h of set) h.instanceGone(peer);
  };
  const heard = (peer: string) => {
    const known = peers.has(peer);
    peers.set(peer, Date.now());
    if (!known) options.events.fanoutInstances(peers.size);
  };

  const setConnected = (up: boolean, reason?: string) => {
    if (up === connected) return;
    connected = up;
    options.events.fanoutConnected(up);
    if (up) {
      if (everConnected) options.logger.info({ event: 'redis-recovered' }, 'Redis is back: updates between instances go through it again');
      everConnected = true;
      // Silence while this instance could not hear is no sign of death: every peer gets a full timeout again.
      connectedAt = Date.now();
      for (const peer of peers.keys()) peers.set(peer, connectedAt);
      // Subscribed again explicitly (a subscription asked for while connecting can be lost), and
      // whatever was published while this instance was not listening is caught up from the log.
      const resubscribed = sub.subscribe(instancesChannel, ...[...handlers.keys()].map(channelOf)).catch(() => {});
      for (const set of handlers.values()) for (const h of set) h.resync();
      // Presence changed while away is not kept anywhere: once subscribed again and able to publish,
      // this instance sends what its own clients hold and asks the others for theirs. An instance that
      // comes back before another is listening is answered when that one comes back and asks.
      void resubscribed.then(publisherReady).then((ready) => {
        if (!ready || !connected) return;
        for (const [doc, set] of handlers) {
          askPresence(doc);
          for (const h of set) h.presenceAsked(true);
        }
      });
    } else if (!closed) {
      options.logger.warn(
        { event: 'redis-unavailable', reason },
        'Redis is unavailable: edits are stored and served as usual; other instances see them through the log, a few seconds late',
      );
    }
  };
  sub.on('ready', () => setConnected(true));
  sub.on('close', () => setConnected(false, 'connection closed'));
  sub.on('error', (err: Error) => setConnected(false, err.message));
  pub.on('error', () => {}); // reported through the subscriber's state; a failed publish is counted

  sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
    if (message.length < HEADER) return options.events.fanoutRejected('malformed');
    if (message[0] !== VERSION) return options.events.fanoutRejected('old-format');
    const sender = message.subarray(2, 2 + ID_BYTES);
    if (sender.equals(instance)) {
      if (message[1] === KIND_HEARTBEAT) heardSelfAt = Date.now();
      return;
    }
    const from = sender.toString('hex');
    if (message[1] === KIND_GOODBYE) return gone(from, 'goodbye');
    heard(from);
    if (message[1] === KIND_HEARTBEAT) return;
    const set = handlers.get(docOf(channel.toString()));
    if (set === undefined) return;
    const lagMs = Date.now() - message.readDoubleBE(2 + ID_BYTES);
    if (message[1] === KIND_UPDATE) {
      if (message.length < HEADER + 10) return options.events.fanoutRejected('malformed');
      const seq = message.readDoubleBE(HEADER);
      const authorEnd = HEADER + 10 + message.readUInt16BE(HEADER + 8);
      if (message.length < authorEnd) return options.events.fanoutRejected('malformed');
      const author = message.toString('utf8', HEADER + 10, authorEnd);
      const payload = new Uint8Array(message.buffer, message.byteOffset + authorEnd, message.length - authorEnd);
      options.events.fanoutReceived('update', lagMs, message.length);
      for (const h of set) h.update(seq, payload, author);
    } else if (message[1] === KIND_TRASHED) {
      for (const h of set) h.trashed();
    } else if (message[1] === KIND_MOVED) {
      for (const h of set) h.moved();
    } else if (message[1] === KIND_RESTORED) {
      for (const h of set) h.restored();
    } else if (message[1] === KIND_PRESENCE_QUERY) {
      for (const h of set) h.presenceAsked(false);
    } else if (message[1] === KIND_AWARENESS) {
      const payload = new Uint8Array(message.buffer, message.byteOffset + HEADER, message.length - HEADER);
      options.events.fanoutReceived('awareness', lagMs, message.length);
      for (const h of set) h.awareness(payload, from);
    }
  });

  const header = (kind: number, extra = 0) => {
    const head = Buffer.allocUnsafe(HEADER + extra);
    head[0] = VERSION;
    head[1] = kind;
    instance.copy(head, 2);
    head.writeDoubleBE(Date.now(), 2 + ID_BYTES);
    return head;
  };
  const publish = (doc: string, kind: 'update' | 'awareness', body: Uint8Array, seq?: number, author?: string) => {
    if (closed) return;
    const authorBytes = author === undefined ? undefined : Buffer.from(author, 'utf8');
    // Another instance reads the update (with its author) from the log instead.
    if (authorBytes !== undefined && authorBytes.length > MAX_AUTHOR_BYTES) return;
    const head = header(kind === 'update' ? KIND_UPDATE : KIND_AWARENESS, seq === undefined ? 0 : 10 + authorBytes!.length);
    if (seq !== undefined) {
      head.writeDoubleBE(seq, HEADER);
      head.writeUInt16BE(authorBytes!.length, HEADER + 8);
      authorBytes!.copy(head, HEADER + 10);
    }
    const message = Buffer.concat([head, body]);
    pub.publish(channelOf(doc), message).then(
      () => options.events.fanoutPublished(kind),
      () => options.events.fanoutPublishFailed(kind),
    );
  };

  /** Resolves true once the publishing connection is up (it reconnects on its own), false after a while. */
  const publisherReady = () =>
    pub.status === 'ready'
      ? Promise.resolve(true)
      : new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => (pub.off('ready', ready), resolve(false)), 5_000);
          const ready = () => (clearTimeout(timer), resolve(true));
          pub.once('ready', ready);
        });
  const askPresence = (doc: string) => {
    if (!closed) pub.publish(channelOf(doc), header(KIND_PRESENCE_QUERY)).catch(() => {});
  };

  // Alive: said every heartbeat; peers silent for too long (while this instance could hear them) are gone.
  let pulsedAt = Date.now();
  const pulse = setInterval(() => {
    const now = Date.now();
    // Late by more than a beat: this process was busy, and a heartbeat that came back may still be unread.
    const stalled = now - pulsedAt > 2 * heartbeatMs;
    pulsedAt = now;
    if (!connected) return;
    // A Redis that stops answering but keeps its connections open (a hung host, a paused VM) closes
    // nothing: without this, it would look connected while every publish waited on it, in memory.
    // Reconnecting fails whatever waits, and until Redis answers a publish fails at once.
    if (!stalled && now - Math.max(heardSelfAt, connectedAt) > goneAfterMs) {
      setConnected(false, `no answer: this instance's own heartbeat did not come back within ${goneAfterMs} ms`);
      pub.disconnect(true);
      sub.disconnect(true);
      return;
    }
    pub.publish(instancesChannel, header(KIND_HEARTBEAT)).catch(() => {});
    if (now - connectedAt < goneAfterMs) return;
    for (const [peer, last] of peers) if (now - last > goneAfterMs) gone(peer, 'silent');
  }, heartbeatMs);
  pulse.unref();

  return {
    async ready(timeoutMs) {
      if (connected) return true;
      let timer: NodeJS.Timeout | undefined;
      const up = await Promise.race([
        new Promise<boolean>((resolve) => sub.once('ready', () => resolve(true))),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      return up;
    },
    get connected() {
      return connected;
    },
    announceTrashed(doc) {
      if (closed) return;
      pub.publish(channelOf(doc), header(KIND_TRASHED)).catch(() => {});
    },
    announceMoved(doc) {
      if (closed) return;
      pub.publish(channelOf(doc), header(KIND_MOVED)).catch(() => {});
    },
    announceRestored(doc) {
      if (closed) return;
      pub.publish(channelOf(doc), header(KIND_RESTORED)).catch(() => {});
    },
    async join(doc, handler) {
      let set = handlers.get(doc);
      if (set === undefined) {
        set = new Set();
        handlers.set(doc, set);
        const subscribed = sub.subscribe(channelOf(doc)).catch(() => {});
        // Subscribed before the caller loads the document, so nothing committed after the load is missed.
        // While Redis is away the subscription waits for it, and the room's check of the log's head
        // catches up meanwhile: loading does not wait.
        if (connected) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([subscribed, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.subscribeTimeoutMs ?? 1_000)))]);
          clearTimeout(timer);
        }
      }
      const opened = set.size === 0;
      set.add(handler);
      // Who is in the document on the other instances: their answers come as presence on this channel.
      if (opened && connected) askPresence(doc);
      return {
        publishUpdate: (seq, update, author) => publish(doc, 'update', update.byteLength > inlineMaxBytes ? SEQ_ONLY : update, seq, author),
        publishAwareness: (update) => publish(doc, 'awareness', update),
        leave: () => {
          const current = handlers.get(doc);
          if (current === undefined || !current.delete(handler) || current.size > 0) return;
          handlers.delete(doc);
          sub.unsubscribe(channelOf(doc)).catch(() => {});
        },
      };
    },
    async close() {
      closed = true;
      clearInterval(pulse);
      // A goodbye, so that the others drop what this instance held at once (best-effort: a dead
      // instance says nothing, and its heartbeat's silence tells).
      if (connected) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          pub.publish(instancesChannel, header(KIND_GOODBYE)).catch(() => {}),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, 500))),
        ]);
        clearTimeout(timer);
      }
      handlers.clear();
      pub.disconnect();
      sub.disconnect();
    },
  };
}
