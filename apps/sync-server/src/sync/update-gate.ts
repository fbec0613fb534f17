// Tries each client update before it may be stored. The log must only ever hold updates that the
// document can take: one that decodes but throws when applied (it refers to the document's own
// items in a way Yjs cannot integrate) would break the room and every later load of the document.
// Whether an update applies depends on the state it lands on, so the gate applies it to a shadow
// copy of the room's document plus the updates still on their way to the log. The same try tells
// what the update changed, and so whether its writer may change that (see comment-rules.ts).

import { COMMENTS } from '@tandem/schema/comments';
import { schema } from '@tandem/schema/schema';
import { markNameOf, passes } from '@tandem/schema/stored-attrs';
import { cellSpan, MAX_COLSPAN, MAX_ROWSPAN } from '@tandem/schema/table-spans';
import type { AttributeSpec } from 'prosemirror-model';
import * as Y from 'yjs';
import { TandemError } from '../errors.js';
import { contentOutOfPlace } from './blocks-in-place.js';
import { serverDoc } from './server-doc.js';
import { type CommentTouch, CommentAuthors, createdIn, inspect, judge, UNTOUCHED, type Writer } from './comment-rules.js';

/** An update its writer may not make: dropped (not stored, not sent on) and counted, as a viewer's is. */
export class Refused {
  constructor(readonly reason: string) {}
}

/**
 * An update that replaces a value written in an update the document does not hold (its own client's, or
 * another's sent on another connection or to another instance): refused (its key is unknown, so its value
 * cannot be judged). The room holds it back a while and judges it again once the earlier one may be here.
 */
export class MissesOwnWriting extends TandemError {
  constructor(
    message: string,
    context: Readonly<Record<string, unknown>>,
    /** The client ids whose writing it waits for: judged again once one of them writes here. */
    readonly waitsFor: ReadonlySet<number>,
  ) {
    super('invalid-update', message, context);
  }
}

/**
 * What to do with one update: store it, skip it (it changes nothing), refuse it, or drop it (not its
 * writer's to make). 'covered': deletions that change nothing because what is stored or on its way to
 * the log deletes the same: stored once those writes are.
 */
export type Verdict = 'store' | 'skip' | 'covered' | TandemError | Refused;

/**
 * Whether an item refers (by origin, right origin or parent) to its own client at a clock not before its
 * own. Yjs never writes one (an item refers only to what existed when it was made), and Yjs checks such a
 * reference only when it integrates the item: one parked until a collaborator's next clock arrives would
 * throw then, and the gate would refuse the collaborator's update instead of this one.
 */
function refersAhead(struct: Y.Item | Y.GC | Y.Skip): boolean {
  if (!(struct instanceof Y.Item)) return false;
  const { client, clock } = struct.id;
  const ahead = (id: Y.ID | null | undefined) => id != null && id.client === client && id.clock >= clock;
  return ahead(struct.origin) || ahead(struct.rightOrigin) || (struct.parent instanceof Y.ID && ahead(struct.parent));
}

/**
 * The most adjacent items of values (ContentAny, ContentJSON) an update may hold that Yjs would merge into one
 * as it applies them. Each merge copies the values merged so far (their mergeWith is an array concat), so n such
 * items cost n²/2 copies: 8 000 took 0.4 s, 20 000 (100 KB, one message) ran the process out of memory. Yjs
 * writes none (it merges them before it encodes); Y.mergeUpdates keeps apart what was sent apart.
 */
export const MAX_MERGED_VALUES = 2_000;

/** Whether Yjs would merge `right` into `left` (Item.mergeWith) by copying values. */
function mergesByCopy(left: Struct, right: Y.Item): boolean {
  if (!(left instanceof Y.Item) || left.id.client !== right.id.client || left.id.clock + left.length !== right.id.clock) return false;
  const kind = right.content.constructor;
  if ((kind !== Y.ContentAny && kind !== Y.ContentJSON) || left.content.constructor !== kind) return false;
  const { origin, rightOrigin } = right;
  const sameId = (a: Y.ID | null, b: Y.ID | null) => a === b || (a !== null && b !== null && a.client === b.client && a.clock === b.clock);
  return origin !== null && origin.client === left.id.client && origin.clock === left.id.clock + left.length - 1 && sameId(left.rightOrigin, rightOrigin);
}

/**
 * Whether `structs` hold more than MAX_MERGED_VALUES adjacent items of a list that Yjs would merge by copying.
 * A map's (an attribute's values, each replacing the one before) are left: each replaced value is deleted and
 * its content collected before Yjs merges, so what merges then is a count of deleted items.
 */
function mergesTooMany(structs: readonly Struct[], slotOf: (item: Y.Item) => Slot): boolean {
  let run = 1;
  for (let i = 1; i < structs.length; i++) {
    const struct = structs[i]!;
    run = struct instanceof Y.Item && mergesByCopy(structs[i - 1]!, struct) ? run + 1 : 1;
    // Every item of a run has its first's parent and key (each comes after the one before).
    if (run > MAX_MERGED_VALUES && slotOf(structs[i - run + 1] as Y.Item) === null) return true;
  }
  return false;
}

/** The largest value each table cell span may have (HTML's limits, see table-spans.ts). */
// A Map: a client may name a key "__proto__", which an object's lookup would answer with its prototype.
const SPAN_LIMITS: ReadonlyMap<string, number> = new Map([
  ['colspan', MAX_COLSPAN],
  ['rowspan', MAX_ROWSPAN],
]);

type Struct = Y.Item | Y.GC | Y.Skip;

const WAITS_REASON = 'replaces a value the document does not hold';

/**
 * Where a value is set: its key, and the name of the element it is an attribute of (null: not an element's,
 * undefined: an element neither in the update nor held, which it waits for). 'waits': a value that replaces one
 * the document does not hold (its key is not known).
 */
type Slot = { readonly key: string; readonly element: string | null | undefined } | 'waits' | null;

/**
 * The structs of the updates judged before the current one in a batch (admitAll): classified before any of them
 * is tried on the shadow, an update must find there what an earlier one of its batch wrote (an editor's quick
 * second change of a value replaces the first, in the update after).
 */
class BatchStructs {
  private readonly byClient = new Map<number, { structs: Struct[]; sorted: boolean }>();

  add(structs: readonly Struct[]): void {
    for (const struct of structs) {
      const entry = this.byClient.get(struct.id.client);
      if (entry === undefined) this.byClient.set(struct.id.client, { structs: [struct], sorted: true });
      else {
        const last = entry.structs.at(-1)!;
        entry.sorted &&= last.id.clock < struct.id.clock;
        entry.structs.push(struct);
      }
    }
  }

  find({ client, clock }: Y.ID): Y.Item | undefined {
    const entry = this.byClient.get(client);
    if (entry === undefined) return undefined;
    if (!entry.sorted) {
      entry.structs.sort((a, b) => a.id.clock - b.id.clock);
      entry.sorted = true;
    }
    return itemAt(entry.structs, clock);
  }
}

/** The item of `list` (one client's structs in clock order) that holds `clock`, by binary search. */
function itemAt(list: readonly Struct[], clock: number): Y.Item | undefined {
  let [lo, hi] = [0, list.length - 1];
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const { id, length } = list[mid]!;
    if (clock < id.clock) hi = mid - 1;
    else if (clock >= id.clock + length) lo = mid + 1;
    else return list[mid] instanceof Y.Item ? (list[mid] as Y.Item) : undefined;
  }
  return undefined;
}

/**
 * The slot of each item of `structs` that sets one (a map entry, an element's attribute): written in the update
 * for a key's first value, else found through its origin (the value it replaces), in the update or in `held`'s
 * store. Each item is looked up by binary search and resolved once, so that an update of many values, each
 * replacing the one before, costs n log n, not n² (one message may hold 100 000 of them).
 */
function slotsOf(structs: readonly Struct[], held: () => Y.Doc, batch?: BatchStructs, missing?: Set<number>): (item: Y.Item) => Slot {
  let byClient: Map<number, Struct[]> | undefined;
  const inThisUpdate = ({ client, clock }: Y.ID): Y.Item | undefined => {
    if (byClient === undefined) {
      byClient = new Map();
      for (const struct of structs) {
        const list = byClient.get(struct.id.client);
        if (list === undefined) byClient.set(struct.id.client, [struct]);
        else list.push(struct); // an update lists each client's structs in clock order
      }
    }
    return itemAt(byClient.get(client) ?? [], clock);
  };
  const inUpdate = (id: Y.ID): Y.Item | undefined => inThisUpdate(id) ?? batch?.find(id);
  // 'collected': held, but deleted with what held it and collected (a GC struct). Yjs collects what is written
  // after or inside such a struct as it lands: it sets no value.
  const heldItem = (id: Y.ID): Y.Item | 'collected' | undefined => {
    try {
      const item = Y.getItem(held().store, id);
      return item instanceof Y.Item ? item : 'collected';
    } catch {
      return undefined; // not held (the update waits for it): judged when it lands, as Yjs does
    }
  };
  // An element's name: an integrated type, or the item (in the update or held) that made it; undefined if neither.
  const elementName = (parent: Y.Item['parent']): string | null | undefined => {
    if (parent instanceof Y.XmlElement) return parent.nodeName;
    if (!(parent instanceof Y.ID)) return null;
    const made = inUpdate(parent) ?? heldItem(parent);
    if (made === undefined) return undefined;
    if (made === 'collected') return null;
    return made.content instanceof Y.ContentType && made.content.type instanceof Y.XmlElement ? made.content.type.nodeName : null;
  };
  const slotOf = (item: Y.Item): Slot => (item.parentSub === null ? null : { key: item.parentSub, element: elementName(item.parent) });
  const known = new Map<Y.Item, Slot>();
  return (item) => {
    const path = new Set<Y.Item>();
    let slot: Slot = null;
    for (let at: Y.Item | undefined = item; at !== undefined; ) {
      const found = known.get(at);
      if (found !== undefined || known.has(at)) {
        slot = found ?? null;
        break;
      }
      if (at.parentSub !== null || at.origin === null) {
        slot = slotOf(at);
        break;
      }
      if (path.has(at)) break; // origins in a circle (a crafted update): no slot
      path.add(at);
      const origin: Y.ID = at.origin;
      at = inUpdate(origin);
      if (at !== undefined) continue;
      const integrated = heldItem(origin);
      // Integrated: its slot is its own. Collected: none (the item is collected as it lands; found by the churn
      // test: a person offline wrote after their own words in a paragraph someone else deleted). Not held: its
      // key is unknown here, its own client's or another's. Nothing judges it when that value lands (Yjs then
      // integrates it as whatever that value is): stored, a value after one of a second client id of the same
      // person, sent later as a heading's level, made the level "abc" (found by a review of this walk).
      slot = integrated === 'collected' ? null : integrated !== undefined ? slotOf(integrated) : 'waits';
      if (slot === 'waits') missing?.add(origin.client);
    }
    for (const step of path) known.set(step, slot);
    return slot;
  };
}

/** `spec`'s attribute `name`, if it names one (an own property: a client may write "__proto__"). */
function attributeSpec(spec: { attrs?: unknown }, name: string): AttributeSpec | undefined {
  const attrs = spec.attrs as Record<string, AttributeSpec> | undefined;
  return attrs !== undefined && Object.hasOwn(attrs, name) ? attrs[name] : undefined;
}

/**
 * What the first item of `structs` sets that the editor cannot read as written, if any. A table cell's span
 * must be a whole number from 1 to HTML's limit: the editor lays a table out as a grid of width × height from
 * its spans, and a span of 1e308 written by a client that skips the editor crashed the tab of everyone who
 * opened the document (and a Markdown export, the process; found by a review). And any attribute value the
 * schema's `validate` refuses (a heading of level "abc", a task checked "yes", a link to the number 5):
 * y-prosemirror deletes, for everyone, what it cannot make as soon as someone opens the document (found by a
 * review of stored documents; the editor now reads such values as their defaults, see stored-attrs.ts). The
 * editor writes only values its schema takes.
 */
function badAttribute(structs: readonly Struct[], slotOf: (item: Y.Item) => Slot): 'span' | string | undefined {
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const { content } = struct;
    if (content instanceof Y.ContentFormat) {
      const bad = badMark(content.key, content.value);
      if (bad !== undefined) return bad;
      continue;
    }
    // Deleted content holds no value. Any other content set as a map's entry is a value: Yjs reads the
    // last one its item holds (several values, a string's last character, JSON, an embed, a shared type).
    if (content instanceof Y.ContentDeleted) continue;
    const slot = slotOf(struct);
    if (slot === null) continue;
    if (slot === 'waits') return WAITS_REASON;
    const value: unknown = content.getContent()[struct.length - 1];
    const max = SPAN_LIMITS.get(slot.key);
    if (max !== undefined) {
      if (cellSpan(value, max) !== value) return 'span';
      continue;
    }
    // An element not held yet (it comes in a later update): the value must suit every element with an attribute of its name.
    const elements = slot.element === undefined ? Object.keys(schema.nodes) : slot.element !== null && Object.hasOwn(schema.nodes, slot.element) ? [slot.element] : [];
    for (const element of elements) {
      const spec = attributeSpec(schema.nodes[element]!.spec, slot.key);
      if (spec !== undefined && !passes(spec, value)) return `sets ${element}'s ${slot.key} to ${shown(value)}`;
    }
  }
  return undefined;
}

/**
 * What is wrong with the format `key: value` as y-prosemirror reads it (schema.mark(name, value)), if anything:
 * each attribute is the value's own, or its default; one without a default (a link's href) must be there. null
 * ends a mark; a mark the schema does not know is left out by the editor.
 */
function badMark(key: string, value: unknown): string | undefined {
  const name = markNameOf(key); // y-prosemirror's reading of a hashed name (a mark that may overlap itself)
  const mark = Object.hasOwn(schema.marks, name) ? schema.marks[name] : undefined;
  if (mark === undefined || value === null || value === undefined) return undefined;
  const attrs = (mark.spec.attrs ?? {}) as Record<string, AttributeSpec>;
  for (const [attr, spec] of Object.entries(attrs)) {
    const given = typeof value === 'object' && Object.hasOwn(value, attr) ? (value as Record<string, unknown>)[attr] : undefined;
    if (given === undefined) {
      if (!('default' in spec)) return `sets a ${name} mark without its ${attr} (${shown(value)})`;
    } else if (!passes(spec, given)) return `sets ${name}'s ${attr} to ${shown(given)}`;
  }
  return undefined;
}

const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : `${typeof value} ${String(value).slice(0, 40)}`);

/** The writer of an update whose author is not known: may edit, owns no comment. */
const ANYONE: Writer = Object.freeze({ author: '', mayEdit: true });

export class UpdateGate {
  /** The room's document plus every admitted update not yet applied to it; built on first use. */
  private shadow: Y.Doc | undefined;
  private readonly inFlight = new Set<Uint8Array>();
  /** How many ranges each judged update deletes (see rangesDeletedBy). */
  private readonly deletedRanges = new WeakMap<Uint8Array, number>();
  /** The clients each judged update writes items of. */
  private readonly writersOf = new WeakMap<Uint8Array, ReadonlySet<number>>();
  /**
   * The clients whose items the shadow's current transaction may add (see contentOutOfPlace); undefined:
   * any (structs parked in the shadow may be released by it).
   */
  private writers: ReadonlySet<number> | undefined;
  private shadowChanged = false;
  /** What the shadow's last transaction did to the comments; undefined while the shadow is being built. */
  private touch: CommentTouch = UNTOUCHED;
  /** A mark the shadow's last transaction wrote into a block that may not hold it (marks-in-place.ts). */
  private misplaced: string | undefined;

  constructor(
    private readonly source: Y.Doc,
    private readonly doc: string,
    /** Who wrote each comment: filled as comments are admitted, and by the room from the log on load. */
    readonly commentAuthors = new CommentAuthors(),
    /** Told each time the shadow is built from the whole document (the gate's costly step). */
    private readonly shadowBuilt: () => void = () => {},
  ) {}

  /**
   * Judges updates that arrived together, in order: 'store' for one that must be stored, 'skip' for
   * one that changes nothing (an empty sync step 2, deletions the document already has), or the
   * TandemError('invalid-update') for one that does not decode or cannot be applied. Consecutive
   * updates that insert are tried in one shadow transaction (a Yjs transaction costs time in the
   * number of clients that ever wrote to the document); only if that throws is each tried alone.
   * `refusedBefore[i]`: update i was refused before it reached the gate (see client-ownership.ts);
   * it counts as its writer's refusal in this batch.
   */
  admitAll(updates: readonly Uint8Array[], writers: readonly Writer[] = [], refusedBefore: ReadonlyArray<Refused | undefined> = []): Verdict[] {
    const writerOf = (i: number) => writers[i] ?? ANYONE;
    const verdicts: Array<Verdict | undefined> = [];
    // A writer refused once in this batch has its later updates refused with it, untried: each refusal
    // rebuilds the shadow from the whole document, and a burst of refused updates held the event loop.
    const refused = new Map<Writer, Refused>();
    const batch = new BatchStructs();
    const kinds = updates.map((update, i) => {
      if (refusedBefore[i] !== undefined) return 'refused';
      try {
        return this.classify(update, batch);
      } catch (error) {
        verdicts[i] = error as TandemError;
        return undefined;
      }
    });
    for (let i = 0; i < updates.length; ) {
      const kind = kinds[i];
      const earlier = writers[i] === undefined ? undefined : refused.get(writers[i]!);
      if (kind === undefined) {
        i += 1;
      } else if (kind === 'refused') {
        verdicts[i] = earlier ?? refusedBefore[i]!;
        if (writers[i] !== undefined && earlier === undefined) refused.set(writers[i]!, refusedBefore[i]!);
        i += 1;
      } else if (earlier !== undefined) {
        verdicts[i++] = earlier;
      } else if (kind === 'empty') {
        verdicts[i++] = 'skip';
      } else if (kind === 'deletions' || !writerOf(i).mayEdit) {
        // A commenter's update is tried alone: what it may change is judged per update.
        verdicts[i] = this.tryOne(updates[i]!, kind === 'deletions', writerOf(i));
        if (verdicts[i] instanceof Refused && writers[i] !== undefined) refused.set(writers[i]!, verdicts[i] as Refused);
        i += 1;
      } else {
        let end = i;
        while (end < updates.length && kinds[end] === 'structs' && writerOf(end).mayEdit) end += 1;
        const run = updates.slice(i, end);
        const together = this.tryTogether(run, end - i === 1 ? writerOf(i) : undefined);
        if (together === true) for (let k = i; k < end; k++) verdicts[k] = 'store';
        else if (together instanceof Refused) {
          verdicts[i] = together;
          if (writers[i] !== undefined) refused.set(writers[i]!, together);
        } else {
          for (let k = i; k < end; k++) {
            const earlierK = writers[k] === undefined ? undefined : refused.get(writers[k]!);
            verdicts[k] = earlierK ?? this.tryOne(updates[k]!, false, writerOf(k));
            if (verdicts[k] instanceof Refused && writers[k] !== undefined) refused.set(writers[k]!, verdicts[k] as Refused);
          }
        }
        i = end;
      }
    }
    return verdicts as Verdict[];
  }

  private classify(update: Uint8Array, batch: BatchStructs): 'empty' | 'structs' | 'deletions' {
    let decoded: ReturnType<typeof Y.decodeUpdate>;
    try {
      decoded = Y.decodeUpdate(update);
    } catch (cause) {
      throw this.invalid('does not decode', cause);
    }
    let ranges = 0;
    for (const list of decoded.ds.clients.values()) ranges += list.length;
    if (ranges > 0) this.deletedRanges.set(update, ranges);
    this.writersOf.set(update, new Set(decoded.structs.map((struct) => struct.id.client)));
    if (decoded.structs.length > 0) {
      if (decoded.structs.some(refersAhead)) throw this.invalid('refers to its own client ahead of itself', 'an item refers only to what existed before it');
      // Every struct held already (the same update sent again, a resend after a reconnect): only its
      // deletions can change anything. Stored again, it grew the log by a copy (found by a review). Held by
      // the room's document, stored and applied: not by the shadow, whose updates on their way to the log
      // may yet fail, and a resend of one is then all that would store it. What is held is not judged again:
      // Yjs skips it (a value stored before the gate judged values, sent again, changes nothing).
      const store = this.source.store;
      const fresh = decoded.structs.filter((struct) => !(struct instanceof Y.Skip) && struct.id.clock + struct.length > Y.getState(store, struct.id.client));
      if (fresh.length === 0) {
        batch.add(decoded.structs);
        return decoded.ds.clients.size > 0 ? 'deletions' : 'empty';
      }
      const missing = new Set<number>();
      const slotOf = slotsOf(decoded.structs, () => this.ensureShadow(), batch, missing);
      if (mergesTooMany(fresh, slotOf)) {
        throw this.invalid(`holds more than ${MAX_MERGED_VALUES} separate values Yjs would merge one by one`, 'Yjs writes adjacent values as one item');
      }
      const bad = badAttribute(fresh, slotOf);
      if (bad === WAITS_REASON) {
        throw new MissesOwnWriting(`Update sets an attribute to a value the schema refuses: ${WAITS_REASON}`, { doc: this.doc }, missing);
      }
      if (bad === 'span') throw this.invalid('sets a table cell span out of range', `spans are whole numbers from 1 to ${MAX_COLSPAN} (columns) or ${MAX_ROWSPAN} (rows)`);
      if (bad !== undefined) throw this.invalid('sets an attribute to a value the schema refuses', bad);
      batch.add(decoded.structs);
      return 'structs';
    }
    return decoded.ds.clients.size > 0 ? 'deletions' : 'empty';
  }

  /**
   * True when the whole run may be stored. A run that touched the comments is judged here when it is
   * one update (`writer`), else taken back and tried update by update (false), as one that throws.
   */
  private tryTogether(run: readonly Uint8Array[], writer: Writer | undefined): boolean | Refused {
    const shadow = this.ensureShadow();
    this.touch = UNTOUCHED;
    this.misplaced = undefined;
    this.expectWriters(shadow, run);
    try {
      Y.transact(shadow, () => {
        for (const update of run) Y.applyUpdate(shadow, update);
      });
    } catch {
      this.discard(); // possibly half-applied: rebuilt from the room's document and what is in flight
      return false;
    }
    if (this.misplaced !== undefined) {
      this.discard(); // each tried alone, to tell which
      return false;
    }
    // An editor's ordinary run changed text (or only resolved threads): nothing to judge.
    if (this.touch.created.length + this.touch.authorOnly.length > 0 || this.touch.refusal !== undefined) {
      const refusal = writer === undefined ? undefined : judge(this.touch, writer, this.commentAuthors);
      if (writer === undefined || refusal !== undefined) {
        this.discard(); // the run is in the shadow: taken back by rebuilding it
        return refusal === undefined ? false : new Refused(refusal);
      }
    }
    for (const update of run) this.inFlight.add(update);
    return true;
  }

  private tryOne(update: Uint8Array, deletionsOnly: boolean, writer: Writer): Verdict {
    const shadow = this.ensureShadow();
    const pendingBefore = shadow.store.pendingDs;
    const structsBefore = shadow.store.pendingStructs;
    this.shadowChanged = false;
    this.touch = UNTOUCHED;
    this.misplaced = undefined;
    this.expectWriters(shadow, [update]);
    try {
      Y.applyUpdate(shadow, update);
    } catch (cause) {
      this.discard();
      return this.invalid('cannot be applied to the document', cause);
    }
    if (this.misplaced !== undefined) {
      const why = this.misplaced;
      this.discard(); // taken back by rebuilding the shadow without it
      return this.invalid('puts content where the document cannot hold it', why);
    }
    // A commenter's update must be judged by what it changes now: one that waits for items the
    // document lacks would change them later, in whichever update brings them.
    const waits = !writer.mayEdit && (shadow.store.pendingDs !== pendingBefore || shadow.store.pendingStructs !== structsBefore);
    const refusal = waits ? 'a commenter sends no updates that wait for others' : judge(this.touch, writer, this.commentAuthors);
    if (refusal !== undefined) {
      this.discard(); // taken back by rebuilding the shadow without it
      return new Refused(refusal);
    }
    // Structs are always kept (they may be waiting for others); a delete set only if it deleted
    // something or waits for items the document does not have yet.
    if (deletionsOnly && !this.shadowChanged && shadow.store.pendingDs === pendingBefore) return 'covered';
    this.inFlight.add(update);
    return 'store';
  }

  /**
   * How many ranges `update` (judged here) deletes: each may split an item of the document in two
   * places, so a delete set can grow the document several times its own size (see DocSize.admit).
   */
  rangesDeletedBy(update: Uint8Array): number {
    return this.deletedRanges.get(update) ?? 0;
  }

  /** The merged size of the document with every admitted update applied (its shadow), in bytes. */
  measureShadow(): number {
    return Y.encodeStateAsUpdate(this.ensureShadow()).byteLength;
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

  /**
   * The room's document changed other than through an admitted update (a server edit, or one stored
   * by another instance), stored as `author`: the comments it creates are theirs.
   */
  sourceChanged(update: Uint8Array, author: string): void {
    if (this.shadow === undefined) {
      for (const id of createdIn(update)) this.commentAuthors.set(id, author);
      return;
    }
    this.touch = UNTOUCHED;
    this.misplaced = undefined;
    this.expectWriters(this.shadow, [update]);
    try {
      Y.applyUpdate(this.shadow, update);
    } catch {
      this.discard();
      for (const id of createdIn(update)) this.commentAuthors.set(id, author);
      return;
    }
    for (const id of this.touch.created) this.commentAuthors.set(id, author);
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
    // Changed only by the updates it is given, as the room's document (see server-doc.ts).
    const shadow = serverDoc();
    // The comments root is a map before anything lands in it (a root type takes the kind first asked for).
    const comments = shadow.getMap<unknown>(COMMENTS);
    Y.applyUpdate(shadow, Y.encodeStateAsUpdate(this.source));
    this.shadowBuilt();
    for (const update of this.inFlight) Y.applyUpdate(shadow, update);
    // Whether a transaction deleted something (for delete-only updates) and what it did to the
    // comments; listening to 'update' would make Yjs encode every transaction's changes for nothing.
    shadow.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.deleteSet.clients.size > 0) this.shadowChanged = true;
      this.touch = inspect(tr, comments);
      this.misplaced = contentOutOfPlace(tr, this.writers);
    });
    this.shadow = shadow;
    return shadow;
  }

  /** Notes whose items applying `updates` to `shadow` may add (see contentOutOfPlace). */
  private expectWriters(shadow: Y.Doc, updates: readonly Uint8Array[]): void {
    if (shadow.store.pendingStructs !== null) {
      this.writers = undefined;
      return;
    }
    const writers = new Set<number>();
    for (const update of updates) {
      const known = this.writersOf.get(update);
      if (known !== undefined) {
        for (const client of known) writers.add(client);
        continue;
      }
      try {
        for (const client of Y.parseUpdateMeta(update).to.keys()) writers.add(client);
      } catch {
        this.writers = undefined; // Yjs says what is wrong with it as it applies it
        return;
      }
    }
    this.writers = writers;
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
