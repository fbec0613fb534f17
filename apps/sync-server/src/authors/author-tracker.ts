// Who the connections are, as the authors table should know them: a sighting when one opens and when
// it closes (lastSeen), and, for a guest, when its presence (awareness `user.name`) shows a new name.
// A token user's name is the token's; their awareness is not read. Per-connection authors (stock
// clients) are not recorded.

import { GUEST_PREFIX } from '@tandem/persistence';
import type { Awareness } from 'y-protocols/awareness';
import type { Connection } from '../sync/connection.js';
import { cleanName } from './guest-identity.js';
import type { AuthorRecorder } from './recorder.js';

/** The side of a connection the tracker reads. */
export type TrackedConnection = Pick<Connection, 'author' | 'authorName' | 'verified'>;

export interface AuthorTracker {
  opened(conn: TrackedConnection): void;
  /** A connection changed these awareness states of `awareness`. */
  presence(conn: TrackedConnection, clientIds: readonly number[], awareness: Awareness): void;
  closed(conn: TrackedConnection): void;
  /** Resolves once the sightings of `ids` queued so far are in the store (see AuthorRecorder.written). */
  written(ids: readonly string[]): Promise<void>;
}

export interface AuthorTrackerOptions {
  readonly recorder: AuthorRecorder;
  /** A guest's renames are recorded at most once per this many ms each (the last one always). Default 2000. */
  readonly renameEveryMs?: number;
  readonly now?: () => number;
}

interface Tracked {
  /** The name last recorded for this connection. */
  name: string;
  lastRenameAt: number;
  /** A rename waiting for the throttle. */
  timer?: NodeJS.Timeout;
  pendingName?: string;
  /** The presence name last looked at, as sent: a cursor move changes the state, not the name. */
  lastRaw?: unknown;
}

const rawName = (state: unknown): unknown => (state as { user?: { name?: unknown } } | null | undefined)?.user?.name;

export function createAuthorTracker(options: AuthorTrackerOptions): AuthorTracker {
  const { recorder } = options;
  const renameEveryMs = options.renameEveryMs ?? 2_000;
  const now = options.now ?? Date.now;
  const tracked = new WeakMap<TrackedConnection, Tracked>();

  const record = (conn: TrackedConnection, name: string) =>
    recorder.seen({ id: conn.author, name, verified: conn.verified, seenAt: now() });

  const rename = (conn: TrackedConnection, state: Tracked, name: string) => {
    state.name = name;
    state.lastRenameAt = now();
    state.pendingName = undefined;
    record(conn, name);
  };

  return {
    written: (ids) => recorder.written(ids),
    opened(conn) {
      const name = conn.authorName;
      if (name === undefined) return; // not an author the table knows (a per-connection one)
      tracked.set(conn, { name, lastRenameAt: -Infinity });
      record(conn, name);
    },
    presence(conn, clientIds, awareness) {
      const state = tracked.get(conn);
      if (state === undefined || !conn.author.startsWith(GUEST_PREFIX)) return; // a token's name decides
      let raw: unknown;
      for (const id of clientIds) raw = rawName(awareness.getStates().get(id)) ?? raw;
      if (raw === undefined || raw === state.lastRaw) return;
      state.lastRaw = raw;
      const name = cleanName(raw);
      if (name === undefined || name === (state.pendingName ?? state.name)) return;
      const wait = state.lastRenameAt + renameEveryMs - now();
      if (wait <= 0) {
        rename(conn, state, name);
        return;
      }
      state.pendingName = name;
      state.timer ??= setTimeout(() => {
        state.timer = undefined;
        if (state.pendingName !== undefined) rename(conn, state, state.pendingName);
      }, wait);
      state.timer.unref();
    },
    closed(conn) {
      const state = tracked.get(conn);
      if (state === undefined) return;
      clearTimeout(state.timer);
      tracked.delete(conn);
      record(conn, state.pendingName ?? state.name); // lastSeen, with the latest name
    },
  };
}
