// Tries each client update before it may be stored. The log must only ever hold updates that the
// document can take: one that decodes but throws when applied (it refers to the document's own
// items in a way Yjs cannot integrate) would break the room and every later load of the document.
// Whether an update applies depends on the state it lands on, so the gate applies it to a shadow
// copy of the room's document plus the updates still on their way to the log.

import * as Y from 'yjs';
import { TandemError } from '../errors.js';

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
   * Returns true if `update` must be stored, false if it changes nothing (an empty sync step 2, or
   * deletions the document already has). Throws TandemError('invalid-update') if it does not decode
   * or cannot be applied; nothing is stored then and the room's document is untouched.
   */
  admit(update: Uint8Array): boolean {
    let hasStructs: boolean;
    try {
      const decoded = Y.decodeUpdate(update);
      hasStructs = decoded.structs.length > 0;
      if (!hasStructs && decoded.ds.clients.size === 0) return false;
    } catch (cause) {
      throw this.invalid('does not decode', cause);
    }
    const shadow = this.ensureShadow();
    const pendingBefore = shadow.store.pendingDs;
    this.shadowChanged = false;
    try {
      Y.applyUpdate(shadow, update);
    } catch (cause) {
      this.shadow?.destroy();
      this.shadow = undefined; // possibly half-applied: rebuilt from the room's document on next use
      throw this.invalid('cannot be applied to the document', cause);
    }
    // Structs are always kept (they may be waiting for others); a delete set only if it deleted
    // something or waits for items the document does not have yet.
    if (!hasStructs && !this.shadowChanged && shadow.store.pendingDs === pendingBefore) return false;
    this.inFlight.add(update);
    return true;
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
