// The server's HTTP API, as the editor uses it.

import { authHeaders } from './session.js';

export interface DocumentSummary {
  readonly name: string;
  readonly updateCount: number;
  readonly lastSeq: number;
  readonly sizeBytes: number;
  readonly createdAt: string;
  readonly lastChangeAt: string;
  readonly connections: number;
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

export async function listDocuments(): Promise<DocumentSummary[]> {
  return (await getJson<{ documents: DocumentSummary[] }>('/api/docs')).documents;
}

export function documentPath(name: string): string {
  return `/d/${encodeURIComponent(name)}`;
}
