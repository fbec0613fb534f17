// The one error type of the sync server, and the single table that maps its codes to an HTTP status
// and a named WebSocket close code.

import { PersistenceError } from '@tandem/persistence';

export type TandemErrorCode =
  | 'bad-request'
  | 'unauthorized'
  | 'token-expired'
  | 'token-revoked'
  | 'forbidden'
  | 'forbidden-origin'
  | 'misdirected'
  | 'unsupported-media-type'
  | 'rate-limited'
  | 'store-rate'
  | 'too-many-connections'
  | 'slow-consumer'
  | 'invalid-doc-name'
  | 'not-found'
  | 'conflict'
  | 'gone'
  /** The document was renamed: the new name is in the context (`to`). */
  | 'moved'
  | 'bad-message'
  | 'invalid-update'
  | 'too-large'
  | 'load-failed'
  | 'storage-failed'
  | 'insufficient-storage'
  | 'shutting-down'
  | 'history-timeout'
  | 'history-busy'
  | 'sends-busy'
  | 'internal';

interface CodeInfo {
  readonly status: number;
  readonly closeCode: number;
}

export const ERROR_CODES: Readonly<Record<TandemErrorCode, CodeInfo>> = {
  'bad-request': { status: 400, closeCode: 4400 },
  unauthorized: { status: 401, closeCode: 4401 },
  'token-expired': { status: 401, closeCode: 4401 },
  // Access withdrawn (tandem revoke, POST /api/admin/revocations): live connections are closed with it.
  'token-revoked': { status: 401, closeCode: 4401 },
  forbidden: { status: 403, closeCode: 4403 },
  'forbidden-origin': { status: 403, closeCode: 4403 },
  misdirected: { status: 421, closeCode: 4400 },
  'unsupported-media-type': { status: 415, closeCode: 4400 },
  'rate-limited': { status: 429, closeCode: 4529 },
  'store-rate': { status: 429, closeCode: 4529 },
  'too-many-connections': { status: 429, closeCode: 4529 },
  'slow-consumer': { status: 503, closeCode: 4530 },
  'invalid-doc-name': { status: 400, closeCode: 4400 },
  'not-found': { status: 404, closeCode: 4404 },
  conflict: { status: 409, closeCode: 4409 },
  gone: { status: 410, closeCode: 4410 },
  // A write to an old name is refused (GET is answered 308 instead; see http/redirects.ts). 4430 lies in
  // the 4400-4499 range on which the stock y-websocket client stops reconnecting; the reason names the new name.
  moved: { status: 409, closeCode: 4430 },
  'bad-message': { status: 400, closeCode: 4400 },
  'too-large': { status: 413, closeCode: 4413 },
  'invalid-update': { status: 422, closeCode: 4422 },
  'load-failed': { status: 500, closeCode: 4500 },
  'storage-failed': { status: 503, closeCode: 4503 },
  // 5xx-like: the stock client reconnects and resends its unsaved edits once space is freed.
  'insufficient-storage': { status: 507, closeCode: 4507 },
  'shutting-down': { status: 503, closeCode: 1001 },
  'history-timeout': { status: 503, closeCode: 4503 },
  'history-busy': { status: 503, closeCode: 4503 },
  // MAX_HTTP_SEND_BYTES of answers are held for clients still taking them (see http/send-guard.ts).
  'sends-busy': { status: 503, closeCode: 4503 },
  internal: { status: 500, closeCode: 1011 },
};

export class TandemError extends Error {
  override readonly name = 'TandemError';

  constructor(
    readonly code: TandemErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get closeCode(): number {
    return ERROR_CODES[this.code].closeCode;
  }

  toJSON(): { error: { code: TandemErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** A WebSocket close reason must fit in 123 bytes of UTF-8. */
export function closeReason(error: TandemError): string {
  if (error.code === 'moved') {
    // `moved: <new name>` when it fits, else `moved` alone (the client asks GET /api/docs/<old name>);
    // `moved` alone too when the new name is not to be told (see movedError).
    if (error.context.to === undefined) return 'moved';
    const named = `moved: ${String(error.context.to)}`;
    return Buffer.byteLength(named) <= 123 ? named : 'moved';
  }
  const text = `${error.code}: ${error.message}`;
  const buf = Buffer.from(text);
  return buf.byteLength <= 123 ? text : buf.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '') + '...';
}

/**
 * The sync server's error for a failed store write: 507 / 4507 below the free-disk floor, otherwise
 * 503 / 4503 (the store may refuse writes until a restart; see /readyz). The cause (with file paths)
 * goes to the log, not to the client.
 */
export function storageError(cause: unknown, message: string, context: Readonly<Record<string, unknown>> = {}): TandemError {
  if (cause instanceof PersistenceError && cause.code === 'insufficient-storage') {
    return new TandemError('insufficient-storage', `${message}: the server is low on disk space`, context, { cause });
  }
  return new TandemError('storage-failed', message, context, { cause });
}
