// The heavy history work, and the document API's imports and exports, as plain jobs: what a history
// worker thread runs (history/worker.ts) on its own read-only store. No HTTP here; results are bytes or
// small objects that cross a thread cheaply.

import {
  type AuthorshipCache,
  PersistenceError,
  diffVersions,
  type DocumentStore,
  materialize,
  readTimeline,
  type TimelineCache,
  type TimelinePage,
  type VersionCache,
  readVisibleAuthorship,
  type AuthorshipRange,
  type VisibleAuthorshipCache,
} from '@tandem/persistence';
import { type AuthorLookup, authorLookup } from './author-lookup.js';
import { type AuthorInfo, describeAuthors } from '../authors/author-lookup.js';
import type { Format } from './formats.js';
import { render } from './render.js';
import { restoreUpdate, undoRestoreUpdate } from './restore.js';
import { documentUpdate, type ImportType, parseDocument, replacementUpdate } from './import.js';
import { type Quoted, quoteAnchors, readComments } from '@tandem/schema/comments';
import * as Y from 'yjs';

export type HistoryJob =
  | { readonly kind: 'timeline'; readonly doc: string; readonly afterSeq: number; readonly limit: number; readonly gapMs: number }
  | { readonly kind: 'diff'; readonly doc: string; readonly from: number; readonly to: number; readonly maxChars: number }
  | { readonly kind: 'version'; readonly doc: string; readonly seq: number; readonly format: Format; readonly at: string | null }
  /** Who inserted each run of the current document still present, and when (the editor's authorship colours). */
  | { readonly kind: 'authorship'; readonly doc: string }
  /** The edit that makes version `seq` the content again, given the live document's state. */
  | { readonly kind: 'restore'; readonly doc: string; readonly seq: number; readonly current: Uint8Array; readonly client?: number }
  /** The edit that takes back the restore stored at `seq`, keeping every edit made since. */
  | { readonly kind: 'undo-restore'; readonly doc: string; readonly seq: number; readonly current: Uint8Array; readonly client?: number }
  /** The live document (its state, `current`, at `seq`) in an export format (GET …/content). */
  | { readonly kind: 'export'; readonly doc: string; readonly seq: number; readonly format: Format; readonly at: string; readonly current: Uint8Array }
  /**
   * A document sent as `type`: the update that creates it, or, given the live document's state
   * (`current`), the update that turns it into the document sent (PUT and POST …/content).
   */
  | { readonly kind: 'import'; readonly doc: string; readonly type: ImportType; readonly body: Uint8Array; readonly current?: Uint8Array; readonly client?: number }
  /**
   * What the anchors of the comments `ids` of the live document (its state, `current`) cover now, at most
   * `maxChars` of each (GET …/comments): each anchor is placed by reading the whole document.
   */
  | { readonly kind: 'quotes'; readonly doc: string; readonly current: Uint8Array; readonly ids: readonly string[]; readonly maxChars: number };

export interface HistoryResults {
  /** A page of sessions, and how to show every author it names. */
  timeline: TimelinePage & { readonly authors: AuthorLookup };
  /** The diff as the JSON body of the response, serialized off the main thread. */
  diff: Uint8Array;
  version: { readonly body: Uint8Array; readonly contentType: string; readonly extension: string };
  /** `{ seq, authors, ranges }` as the JSON body of the response, serialized off the main thread (see AuthorshipBody). */
  authorship: Uint8Array;
  /** The restoring edit as one Yjs update. */
  restore: Uint8Array;
  /** The edit that takes a restore back, as one Yjs update. */
  'undo-restore': Uint8Array;
  export: HistoryResults['version'];
  /** The edit as one Yjs update; null when the document sent is the document as it is. */
  import: Uint8Array | null;
  /** One per id asked for, in its order. */
  quotes: readonly Quoted[];
}

/** What GET /api/docs/:doc/authorship answers. */
export interface AuthorshipBody {
  readonly seq: number;
  readonly authors: Record<string, AuthorInfo>;
  /** [client, clock, length, author, receivedAt ms]: who inserted each run still present, and when. */
  readonly ranges: readonly AuthorshipRange[];
}

export type HistoryResult<K extends HistoryJob['kind']> = HistoryResults[K];

const utf8 = new TextEncoder();

/** What a thread keeps between jobs. */
export interface JobContext {
  readonly authorship?: AuthorshipCache;
  readonly timeline?: TimelineCache;
  readonly versions?: VersionCache;
  readonly visible?: VisibleAuthorshipCache;
}

export async function runHistoryJob(store: DocumentStore, job: HistoryJob, context: JobContext = {}): Promise<HistoryResults[HistoryJob['kind']]> {
  switch (job.kind) {
    case 'timeline': {
      const page = await readTimeline(store, job.doc, { afterSeq: job.afterSeq, limit: job.limit, gapMs: job.gapMs, cache: context.timeline });
      return { ...page, authors: await authorLookup(store, page.sessions.flatMap((s) => s.authors.map((a) => a.id))) };
    }
    case 'diff': {
      const { authors: totals, ...diff } = await diffVersions(store, job.doc, job.from, job.to, { maxChars: job.maxChars, authorship: context.authorship, versions: context.versions });
      // `totals`: characters each author inserted and deleted; `authors`: how to show each of them.
      const authors = await authorLookup(store, totals.map((t) => t.author));
      return utf8.encode(JSON.stringify({ doc: job.doc, ...diff, totals, authors }));
    }
    case 'authorship': {
      const { seq, ranges, authors } = await readVisibleAuthorship(store, job.doc, context.visible);
      const body: AuthorshipBody = { seq, authors: await describeAuthors(store, authors), ranges };
      return utf8.encode(JSON.stringify(body));
    }
    case 'version': {
      const ydoc = context.versions !== undefined ? await context.versions.at(store, job.doc, job.seq) : await materialize(store, job.doc, job.seq);
      try {
        return rendered(ydoc, job);
      } finally {
        if (context.versions === undefined) ydoc.destroy();
      }
    }
    case 'export': {
      const ydoc = new Y.Doc();
      try {
        Y.applyUpdate(ydoc, job.current);
        return rendered(ydoc, job);
      } finally {
        ydoc.destroy();
      }
    }
    case 'import': {
      const node = parseDocument(job.type, job.body);
      return job.current === undefined ? documentUpdate(node) : (replacementUpdate(job.current, node, job.client) ?? null);
    }
    case 'quotes': {
      const ydoc = new Y.Doc();
      try {
        Y.applyUpdate(ydoc, job.current);
        const anchors = new Map(readComments(ydoc).map((c) => [c.id, c.anchor]));
        return quoteAnchors(ydoc, job.ids.map((id) => anchors.get(id)), job.maxChars);
      } finally {
        ydoc.destroy();
      }
    }
    case 'restore': {
      const ydoc = await materialize(store, job.doc, job.seq);
      try {
        return restoreUpdate(job.current, ydoc, job.client);
      } finally {
        ydoc.destroy();
      }
    }
    case 'undo-restore': {
      const [restore] = await store.readUpdates(job.doc, { afterSeq: job.seq - 1, toSeq: job.seq });
      if (restore === undefined) {
        throw new PersistenceError('out-of-range', `Update ${job.seq} of ${JSON.stringify(job.doc)} is not in the log (compacted, or not written yet)`, job.doc);
      }
      // The update stored at the restore's seq is the restore alone only while the update before it is
      // stored too: compaction may have merged the restore with the updates before it into one update
      // stored at its seq, and taking that back would revert every edit of the range.
      if (job.seq > 1 && (await store.seqAtOrAfter(job.doc, job.seq - 1)) !== job.seq - 1) {
        throw new PersistenceError('out-of-range', `Update ${job.seq} of ${JSON.stringify(job.doc)} was merged with the updates before it (compacted): it cannot be taken back alone`, job.doc);
      }
      // Kept deleted content: what the restore deleted is what the undo brings back.
      const ydoc = await materialize(store, job.doc, job.seq - 1, { keepDeleted: true });
      try {
        return undoRestoreUpdate(ydoc, restore.update, job.current, job.client);
      } finally {
        ydoc.destroy();
      }
    }
  }
}

function rendered(ydoc: Y.Doc, job: { doc: string; seq: number; format: Format; at: string | null }): HistoryResults['version'] {
  const { body, contentType, extension } = render(ydoc, job.format, { doc: job.doc, seq: job.seq, at: job.at });
  return { body: typeof body === 'string' ? utf8.encode(body) : body, contentType, extension };
}

/** The buffers of a result that can be moved to the other thread instead of copied. */
export function transferables(result: HistoryResults[HistoryJob['kind']]): ArrayBuffer[] {
  const bytes = result === null || Array.isArray(result) ? undefined : result instanceof Uint8Array ? result : 'body' in result ? result.body : undefined;
  return bytes !== undefined && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : [];
}
