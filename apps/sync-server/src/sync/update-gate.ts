// Tries each client update before it may be stored. The log must only ever hold updates that the
// document can take: one that decodes but throws when applied (it refers to the document's own
// items in a way Yjs cannot integrate) would break the room and every later load of the document.
// Whether an update applies depends on the state it lands on, so the gate applies it to a shadow
// copy of the room's document plus the updates still on their way to the log.

import * as Y from 'yjs';
import { TandemError } from '../errors.js';

/** What to do with one update: store it, skip it (it changes nothing), or refuse it. */
export type Verdict = 'store' | 'skip' | TandemError;

export class UpdateGate {
  /** The room's document plus every admitted update not yet applied to it; built on first use. */
  private shadow: Y.Doc | undefined;
  private readonly inFlight = new Set<Uint8Array>();
  private shadowChanged = false;

  constructor(
    private readonly source: Y.Doc,
    private readonly doc: string,
  ) {}

  /**
   * Judges updates that arrived together, in order: 'store' for one that must be stored, 'skip' for
   * one that changes nothing (an empty sync step 2, deletions the document already has), or the
   * TandemError('invalid-update') for one that does not decode or cannot be applied. Consecutive
   * updates that insert are tried in one shadow transaction (a Yjs transaction costs time in the
   * number of clients that ever wrote to the document); only if that throws is each tried alone.
   */
  admitAll(updates: readonly Uint8Array[]): Verdict[] {
    const verdicts: Array<Verdict | undefined> = [];
    const kinds = updates.map((update, i) => {
      try {
        return this.classify(update);
      } catch (error) {
        verdicts[i] = error as TandemError;
        return undefined;
      }
    });
    for (let i = 0; i < updates.length; ) {
      const kind = kinds[i];
      if (kind === undefined) {
        i += 1;
      } else if (kind === 'empty') {
        verdicts[i++] = 'skip';
      } else if (kind === 'deletions') {
        verdicts[i] = this.tryOne(updates[i]!, true);
        i += 1;
      } else {
        let end = i;
        while (end < updates.length && kinds[end] === 'structs') end += 1;
        const run = updates.slice(i, end);
        if (this.tryTogether(run)) for (let k = i; k < end; k++) verdicts[k] = 'store';
        else for (let k = i; k < end; k++) verdicts[k] = this.tryOne(updates[k]!, false);
        i = end;
      }
    }
    return verdicts as Verdict[];
  }

  private classify(update: Uint8Array): 'empty' | 'structs' | 'deletions' {
    try {
      const decoded = Y.decodeUpdate(update);
      if (decoded.structs.length > 0) return 'structs';
      return decoded.ds.clients.size > 0 ? 'deletions' : 'empty';
    } catch (cause) {
      throw this.invalid('does not decode', cause);
    }
  }

  private tryTogether(run: readonly Uint8Array[]): boolean {
    const shadow = this.ensureShadow();
    try {
      Y.transact(shadow, () => {
        for (const update of run) Y.applyUpdate(shadow, update);
      });
    } catch {
      this.discard(); // possibly half-applied: rebuilt from the room's document and what is in flight
      return false;
    }
    for (const update of run) this.inFlight.add(update);
    return true;
  }

  private tryOne(update: Uint8Array, deletionsOnly: boolean): Verdict {
    const shadow = this.ensureShadow();
    const pendingBefore = shadow.store.pendingDs;
    this.shadowChanged = false;
    try {
      Y.applyUpdate(shadow, update);
    } catch (cause) {
      this.discard();
      return this.invalid('cannot be applied to the document', cause);
    }
    // Structs are always kept (they may be waiting for others); a delete set only if it deleted
    // something or waits for items the document does not have yet.
    if (deletionsOnly && !this.shadowChanged && shadow.store.pendingDs === pendingBefore) return 'skip';
    this.inFlight.add(update);
    return 'store';
  }

  /** `update` (admitted earlier) is now applied to the room's document. */
  applied(update: Uint8Array): void {
    this.inFlight.delete(update);
  }

  /** `update` (admitted earlier) was not stored: the shadow holds it but the document never will. */
  abandoned(update: Uint8Array): void {
    this.inFlight.delete(update);
    this.discard();
  }

  /** The room's document changed other than through an admitted update (a server edit). */
  sourceChanged(update: Uint8Array): void {
    if (this.shadow === undefined) return;
    try {
      Y.applyUpdate(this.shadow, update);
    } catch {
      this.discard();
    }
  }

  /** Frees the shadow when nothing is in flight (nobody is editing); it is rebuilt on the next update. */
  release(): void {
    if (this.inFlight.size === 0) this.discard();
  }

  destroy(): void {
    this.discard();
    this.inFlight.clear();
  }

  private ensureShadow(): Y.Doc {
    if (this.shadow !== undefined) return this.shadow;
    const shadow = new Y.Doc({ gc: true });
    Y.applyUpdate(shadow, Y.encodeStateAsUpdate(this.source));
    for (const update of this.inFlight) Y.applyUpdate(shadow, update);
    // Only whether a transaction deleted something is needed (for delete-only updates); listening to
    // 'update' would make Yjs encode every transaction's changes for nothing.
    shadow.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.deleteSet.clients.size > 0) this.shadowChanged = true;
    });
    this.shadow = shadow;
    return shadow;
  }

  private discard(): void {
    this.shadow?.destroy();
    this.shadow = undefined;
  }

  private invalid(why: string, cause: unknown): TandemError {
    const message = cause instanceof Error ? cause.message : String(cause);
    return new TandemError('invalid-update', `Update ${why}: ${message}`, { doc: this.doc }, { cause });
  }
}
