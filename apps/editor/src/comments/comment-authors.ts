// Who wrote each comment, as the server says: the stored author of the update that created it
// (GET /api/docs/<doc>/comments), never a name written into the comment. Asked again whenever a
// comment appears whose author is not known yet, and when someone in the document takes another name.

import { authHeaders } from '../api/session.js';
import { appPath } from '../base-path.js';

export interface CommentAuthor {
  readonly id: string;
  readonly name: string;
  readonly color: string;
  readonly verified: boolean;
}

interface ApiComment {
  readonly id: string;
  readonly author: CommentAuthor | null;
  readonly replies?: readonly ApiComment[];
}

const RETRY_MS = [200, 500, 1_000, 2_000, 5_000];

export class CommentAuthors {
  private readonly byComment = new Map<string, CommentAuthor>();
  /** Comments whose author is asked for. */
  private readonly wanted = new Set<string>();
  private asking = false;
  readonly listeners = new Set<() => void>();

  /** `docName`: the document's name now (it changes when the document is renamed). */
  constructor(private readonly docName: () => string) {}

  of(commentId: string): CommentAuthor | undefined {
    return this.byComment.get(commentId);
  }

  /** Asks the server for the authors of `ids` it does not know yet (one request at a time). */
  want(ids: Iterable<string>): void {
    for (const id of ids) if (!this.byComment.has(id)) this.wanted.add(id);
    if (this.wanted.size > 0 && !this.asking) {
      this.asking = true;
      void this.ask().finally(() => (this.asking = false));
    }
  }

  /**
   * Someone in the document took another name (here, or heard through their presence): the names of the
   * authors known so far are asked again, `delayMs` later (the server records a guest's name from the
   * presence, which may still be on its way). Shown before, a comment kept its author's old name until
   * the page was reloaded.
   */
  refreshNames(delayMs = 1_000): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.reread(), delayMs);
  }

  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  private async reread(): Promise<void> {
    const threads = await this.fetchThreads();
    if (threads === undefined) return;
    let changed = false;
    for (const thread of threads) {
      for (const c of [thread, ...(thread.replies ?? [])]) {
        const known = this.byComment.get(c.id);
        if (c.author === null || known === undefined || (known.name === c.author.name && known.color === c.author.color)) continue;
        this.byComment.set(c.id, c.author);
        changed = true;
      }
    }
    if (changed) for (const listener of this.listeners) listener();
  }

  /** The document's comment threads as the server lists them; undefined if it cannot be asked now. */
  private async fetchThreads(): Promise<ApiComment[] | undefined> {
    try {
      const res = await fetch(appPath(`/api/docs/${encodeURIComponent(this.docName())}/comments`), {
        headers: { accept: 'application/json', ...authHeaders() },
      });
      if (!res.ok) return undefined;
      return ((await res.json()) as { threads: ApiComment[] }).threads;
    } catch {
      return undefined;
    }
  }

  private async ask(): Promise<void> {
    // A comment written here may not be stored yet, and the server may be out of reach: asked again, less often.
    for (let attempt = 0; this.wanted.size > 0 && attempt < 30; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt - 1, RETRY_MS.length - 1)]));
      const threads = await this.fetchThreads();
      if (threads === undefined) continue;
      let learned = false;
      for (const thread of threads) {
        for (const c of [thread, ...(thread.replies ?? [])]) {
          if (c.author === null || this.byComment.has(c.id)) continue;
          this.byComment.set(c.id, c.author);
          this.wanted.delete(c.id);
          learned = true;
        }
      }
      if (learned) for (const listener of this.listeners) listener();
    }
    this.wanted.clear();
  }
}
