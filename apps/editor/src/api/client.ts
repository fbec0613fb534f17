// The server's HTTP API, as the editor uses it.

import { authHeaders } from './session.js';
import { appPath } from '../base-path.js';
import { downloadFileName } from './download-name.js';

export interface DocumentSummary {
  readonly name: string;
  readonly updateCount: number;
  readonly lastSeq: number;
  readonly sizeBytes: number;
  readonly createdAt: string;
  readonly lastChangeAt: string;
  readonly connections: number;
  /** Who made the last change (null for a document without one). */
  readonly lastAuthor: (AuthorInfo & { readonly id: string }) | null;
}

export type DocumentSort = 'lastChange' | 'name';

export interface DocumentPage {
  readonly documents: DocumentSummary[];
  /** Pass as `cursor` for the page after this one; null on the last page. */
  readonly nextCursor: string | null;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json', ...authHeaders() } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(res.status, body.error?.code ?? 'http-error', body.error?.message ?? `${path}: HTTP ${res.status}`);
  }
  return (await res.json()) as T;
}

/** One page of the documents this browser may open, searched by name (any case) and sorted. */
export async function listDocumentPage(query: { q?: string; sort?: DocumentSort; limit?: number; cursor?: string | null }): Promise<DocumentPage> {
  const params = new URLSearchParams();
  if (query.q !== undefined && query.q !== '') params.set('q', query.q);
  if (query.sort !== undefined) params.set('sort', query.sort);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor !== undefined && query.cursor !== null) params.set('cursor', query.cursor);
  const search = params.toString();
  return getJson<DocumentPage>(appPath(`/api/docs${search === '' ? '' : `?${search}`}`));
}

/** Creates a document from Markdown or HTML (PUT /api/docs/<name>); refused with 409 if it exists. */
export async function importDocument(name: string, content: string, type: 'text/markdown' | 'text/html'): Promise<void> {
  const res = await fetch(appPath(`/api/docs/${encodeURIComponent(name)}`), { method: 'PUT', headers: { 'content-type': type, ...authHeaders() }, body: content });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(res.status, body.error?.code ?? 'http-error', body.error?.message ?? `import: HTTP ${res.status}`);
  }
}

export function documentPath(name: string): string {
  return appPath(`/d/${encodeURIComponent(name)}`);
}

/** How the server shows an author: a display name and a colour, and whether a token vouched for them. */
export interface AuthorInfo {
  readonly name: string;
  readonly color: string;
  readonly verified: boolean;
}

/** Author ids (as stored in the log) → how to show them; every id a response mentions is in it. */
export type AuthorLookup = Readonly<Record<string, AuthorInfo>>;

/** One author's part in an edit session: updates, and characters added and removed net of churn. */
export interface SessionAuthor {
  readonly id: string;
  readonly updates: number;
  readonly added: number;
  readonly removed: number;
}

/** Consecutive updates less than the gap apart, whoever made them. */
export interface EditSession {
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly updates: number;
  readonly added: number;
  readonly removed: number;
  readonly authors: readonly SessionAuthor[];
}

export interface DiffSegment {
  readonly type: 'keep' | 'insert' | 'delete' | 'format';
  readonly text: string;
  readonly author?: string;
  /** For 'format' (text kept, its formatting changed): each mark's name and its value now, null where taken off. */
  readonly formats?: Readonly<Record<string, unknown>>;
  /** For 'format' runs whose marks more than one person changed: who changed each. */
  readonly by?: Readonly<Record<string, string>>;
  /** A leaf node's run (an image, a horizontal rule, a line break; `text` is U+FFFC): the node's name. */
  readonly node?: string;
}

export interface NamedVersion {
  readonly id: number;
  readonly label: string;
  readonly seq: number;
  readonly author: string;
  readonly createdAt: string;
}

const docApi = (name: string) => appPath(`/api/docs/${encodeURIComponent(name)}`);

async function send<T>(path: string, method: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method, headers: { 'content-type': 'application/json', ...authHeaders() }, body: JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as T & { error?: { code?: string; message?: string } };
  if (!res.ok) throw new ApiError(res.status, json.error?.code ?? 'http-error', json.error?.message ?? `${path}: HTTP ${res.status}`);
  return json;
}

export interface Timeline {
  readonly lastSeq: number;
  readonly sessions: EditSession[];
  readonly authors: AuthorLookup;
}

/** Every edit session of a document, oldest first (follows the pagination cursor); empty for a document never edited. */
export async function fetchTimeline(name: string): Promise<Timeline> {
  const sessions: EditSession[] = [];
  const authors: Record<string, AuthorInfo> = Object.create(null) as Record<string, AuthorInfo>; // ids are any string, "__proto__" too
  let after = 0;
  for (;;) {
    let page;
    try {
      page = await getJson<{ lastSeq: number; sessions: EditSession[]; authors?: AuthorLookup; nextAfter: number | null }>(
        `${docApi(name)}/history?limit=500&after=${after}`,
      );
    } catch (error) {
      // A document nobody has typed into is not stored yet: it has no history, which is no error.
      if (error instanceof ApiError && error.status === 404 && after === 0) return { lastSeq: 0, sessions, authors };
      throw error;
    }
    sessions.push(...page.sessions);
    Object.assign(authors, page.authors ?? {});
    if (page.nextAfter === null) return { lastSeq: page.lastSeq, sessions, authors };
    after = page.nextAfter;
  }
}

export async function fetchVersion(name: string, seq: number, signal?: AbortSignal): Promise<unknown> {
  const res = await fetch(`${docApi(name)}/versions/${seq}?format=json`, { headers: authHeaders(), ...(signal ? { signal } : {}) });
  if (!res.ok) throw new ApiError(res.status, 'http-error', `version ${seq}: HTTP ${res.status}`);
  return ((await res.json()) as { content: unknown }).content;
}

export async function fetchDiff(name: string, from: number, to: number, signal?: AbortSignal): Promise<{ segments: DiffSegment[]; authors: AuthorLookup }> {
  const res = await fetch(`${docApi(name)}/diff?from=${from}&to=${to}`, { headers: authHeaders(), ...(signal ? { signal } : {}) });
  if (!res.ok) throw new ApiError(res.status, 'http-error', `diff ${from}..${to}: HTTP ${res.status}`);
  const body = (await res.json()) as { segments: DiffSegment[]; authors?: AuthorLookup };
  return { segments: body.segments, authors: body.authors ?? {} };
}

/**
 * Downloads version `seq` as a file. Fetched with the Authorization header and handed to the
 * browser as a Blob, so the token never appears in a URL (where proxy logs and history keep it).
 */
export async function downloadVersion(name: string, seq: number, format: 'markdown' | 'html' | 'json'): Promise<void> {
  const res = await fetch(`${docApi(name)}/versions/${seq}?format=${format}`, { headers: authHeaders() });
  if (!res.ok) throw new ApiError(res.status, 'http-error', `export of version ${seq}: HTTP ${res.status}`);
  const fileName = downloadFileName(res.headers.get('content-disposition') ?? '') ?? `version-${seq}`;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The click starts the download synchronously; the object URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export interface RestoreResult {
  /** The version restored. */
  readonly restored: number;
  /** When that version was current; null for version 0 (or a compacted one). */
  readonly restoredAt: string | null;
  /** The restoring edit's own sequence number: what "Undo restore" takes back. */
  readonly seq: number;
  /** How many updates after the restored version the restore took back. */
  readonly changesUndone: number;
  /** Nothing was stored: the version is the content already (`seq` is the current one). */
  readonly unchanged?: boolean;
}

export const restoreVersion = (name: string, seq: number) => send<RestoreResult>(`${docApi(name)}/restore`, 'POST', { seq });
/** Takes back the restore stored at `seq` (edits made since it stay). */
export const undoRestore = (name: string, seq: number) => send<{ undone: number; seq: number; unchanged?: boolean }>(`${docApi(name)}/restore/undo`, 'POST', { seq });
export const listNamedVersions = async (name: string) => (await getJson<{ versions: NamedVersion[] }>(`${docApi(name)}/named-versions`)).versions;
export const nameVersion = (name: string, seq: number, label: string) => send<NamedVersion>(`${docApi(name)}/named-versions`, 'POST', { seq, label });

export interface TrashEntry {
  readonly doc: string;
  readonly trashedAt: string;
  readonly trashedBy: string;
  readonly purgeAt: string;
}

/** Moves a document to the trash (editors); everyone connected to it is closed. */
export async function deleteDocument(name: string): Promise<TrashEntry> {
  return send<TrashEntry>(docApi(name), 'DELETE', {});
}

export async function listTrash(): Promise<{ trash: TrashEntry[]; trashDays: number }> {
  return getJson<{ trash: TrashEntry[]; trashDays: number }>(appPath('/api/trash'));
}

export async function restoreFromTrash(name: string): Promise<void> {
  await send(appPath(`/api/trash/${encodeURIComponent(name)}/restore`), 'POST', {});
}

/** Renames a document (editors): its history goes with it; its old name leads to the new one. */
export async function renameDocument(name: string, to: string): Promise<{ from: string; to: string }> {
  return send<{ from: string; to: string }>(`${docApi(name)}/rename`, 'POST', { to });
}

/** Makes a new document `to` holding a full copy of `name`'s current content. */
export async function duplicateDocument(name: string, to: string): Promise<{ from: string; to: string }> {
  return send<{ from: string; to: string }>(`${docApi(name)}/duplicate`, 'POST', { to });
}

/** The name a renamed document has now (the server answers its old name with a redirect, followed here). */
export async function currentName(name: string): Promise<string> {
  return (await getJson<{ name: string }>(docApi(name))).name;
}
