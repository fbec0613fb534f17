// Two people moving the same text at once (two Enters in one paragraph, a join and an Enter): the words
// after the later split point were repeated.
//
// y-prosemirror writes a move as "delete here, insert a copy there" (moved-text.ts). Alice presses Enter
// after "one" in "one two three" while Bob, not having seen it, presses Enter after "two": Alice's copy is
// " two three", Bob's " three", and everyone got "one", " two three", " three" (or " three" first: the two
// new paragraphs went to the same place at once). Bob's editor can tell: a change from elsewhere copies
// text out of a paragraph, and right after the characters Bob still saw there, its copy goes on with
// characters Bob had himself moved away. Those are the repeats, and his editor deletes its own copy of
// them (with the paragraph his Enter made, if that leaves it empty): the words stay where the other move
// put them, in their order, and Bob's paragraph break there is dropped. The one who moved less (the later
// split point) always sees it, as the other's copy reaches them covering what they moved; the other's
// editor sees nothing to do. Only while the server has not acknowledged Bob's move: once it has, Alice
// may have seen it, and a copy of hers going on with the same words is her own doing (she pasted them).
// So two moves the server took in turn close together can still repeat words, and two moves of exactly the
// same characters (both pressed Enter at one place) delete nothing the other page still shows: neither page
// sees a move in the other's change. For those, each move also says in the document which characters it
// copied (noted-moves.ts; repeatsOfNoted): one character with two copies standing is two moves made
// without seeing each other (a move that had seen the other would have found the character gone), whatever
// the server acknowledged.

import * as Y from 'yjs';
import { indexIn, insertedRuns, insertsAndDeletes, type Move, moves, movesOf, movesWithShortcuts, nodesDeletedFrom } from './moved-text.js';
import { copiesBySource, MOVED, type NotedMove, notedMovesIn, parseNote, seenByMover, standing } from './noted-moves.js';
import type { YType } from './relative-position.js';
import { elementBefore, type SplitAgain } from './split-again.js';
import { dropIfEmptied } from './split-rescue.js';

const key = (id: Y.ID) => `${id.client}:${id.clock}`;

/** How many characters' copies a page remembers (the oldest are forgotten first). */
const REMEMBERED = 20_000;
/** And how many text nodes it remembers moving characters out of. */
const REMEMBERED_NODES = 2_000;

/** A move of this page's, as repeatsOfNoted compares it with another's: its first character and all of them, in order. */
interface OwnMove {
  readonly first: string;
  readonly ids: ReadonlySet<string>;
  /** What this page had seen when it moved, as its note says it to the others (seenByMover). */
  readonly seen: (client: number) => number;
  /** The client id it was made under: an earlier page's of this browser (adopted from its note), or none: this page's. */
  readonly author?: number;
}

/**
 * Where a move starts among what `seen` says another mover had seen: its first character that mover had (its
 * first at all when it had none). Alice types "A" into "j|klm" and presses Enter before it while Bob, not having
 * seen the "A", lifts the item above and his editor writes "jklm" again: her move starts at the "A", which his
 * copy cannot hold; among what he had seen it starts at "k", inside his. Both pages read both moves so, each
 * move's start among what the other's mover had seen (their notes say it), and so judge alike.
 */
function startSeenBy(ids: Iterable<string>, seen: (client: number) => number): string | undefined {
  for (const k of ids) {
    const colon = k.indexOf(':');
    if (Number(k.slice(colon + 1)) < seen(Number(k.slice(0, colon)))) return k;
  }
  return undefined;
}

/** A character of this page's copy to delete: `id` in `node`. */
export interface Repeat {
  readonly node: Y.XmlText;
  readonly id: Y.ID;
  /** The other's copy of the same character, standing: where a caret before this one goes (repeatsOfNoted). */
  readonly standing?: Y.ID;
}

/** Transaction meta of deleteRepeats: each deleted repeat ("<client>:<clock>") → the other's copy of it, standing. */
export const REPEATS_STANDING = 'tandem:repeats-standing';

/**
 * Transaction meta of deleteRepeats, always set: what it deletes stands in the other's copy, so an undo of this
 * page's move does not count it as this page's own deletion (undo-gone-copies.ts).
 */
export const REPEATS_TAKEN_OUT = 'tandem:repeats-taken-out';

/**
 * The copy that stands of `copy`: itself, or a copy of it (hop by hop) that the moves noted in the change
 * (`copiesOf`: their copies by source) made, if any. Bob and Alice both press Enter at one place, and Alice then
 * presses Shift+Tab on her new line, which copies her copy again; her first copy is gone, her words stand, and
 * Bob's copy repeated them.
 */
function standingCopy(doc: Y.Doc, copiesOf: ReadonlyMap<string, readonly Y.ID[]>): (copy: Y.ID) => Y.ID | undefined {
  // Hop by hop, ONWARD_HOPS at most, each copy looked at once: a note comes from any client, and one naming a
  // chain of 60 000 deleted copies ran a recursive walk out of stack (found by a review).
  return (copy) => {
    const looked = new Set<string>([key(copy)]);
    let hop = [copy];
    for (let hops = 0; hop.length > 0 && hops <= ONWARD_HOPS; hops++) {
      const found = hop.find((id) => standing(doc, id));
      if (found !== undefined) return found;
      const next: Y.ID[] = [];
      for (const id of hop) {
        for (const further of copiesOf.get(key(id)) ?? []) {
          if (looked.has(key(further))) continue;
          looked.add(key(further));
          next.push(further);
        }
      }
      hop = next;
    }
    return undefined;
  };
}

/**
 * Whether this page's move `own` gives way to `theirs`, a move of the same characters its mover made without
 * seeing it: the one that starts inside the other (the later Enter in a paragraph); of two that start at one
 * character (both pressed Enter there, both joined it), the one of the higher client id. Where neither starts
 * inside the other, each start is read again among what the other mover had seen (a letter typed before the
 * split, unseen by the other: startSeenBy), the same on both pages (the other page judges its own move against
 * this page's note), and judged so. Only there: a move holding the other's and a letter before it ("Zhi"
 * against "hi") is the one that moved more, and reading both from "h" would make a tie of it. Two moves read so
 * as starting at one character (each typed a letter before "h" and pressed Enter before it) are told apart by
 * which real start comes first in the text, not by client id: with three such moves, ids made a circle (Alice
 * gave way to Bob, Bob to Carol, Carol to Alice) and every copy went. Every rule here puts the later start
 * after the earlier, so one move of any number never gives way; where the text cannot tell (its items
 * collected), neither does.
 */
function ownGivesWay(own: OwnMove, theirs: NotedMove, doc: Y.Doc): boolean {
  if (own.first === theirs.first) return (own.author ?? doc.clientID) > theirs.author;
  const ownInside = theirs.sources.has(own.first);
  const theirsInside = own.ids.has(theirs.first);
  if (ownInside !== theirsInside) return ownInside;
  const ownFirst = startSeenBy(own.ids, (c) => theirs.seen(c)) ?? own.first;
  const theirFirst = startSeenBy(theirs.sources, own.seen) ?? theirs.first;
  if (ownFirst === theirFirst) return comesFirst(doc, theirs.first, own.first) === true;
  return theirs.sources.has(ownFirst) && !own.ids.has(theirFirst);
}

/** Whether character `a` ("<client>:<clock>") comes before `b` in the text node both were in; undefined when that cannot be read. */
function comesFirst(doc: Y.Doc, a: string, b: string): boolean | undefined {
  const id = (k: string) => {
    const colon = k.indexOf(':');
    return Y.createID(Number(k.slice(0, colon)), Number(k.slice(colon + 1)));
  };
  const [ia, ib] = [id(a), id(b)];
  if (ia.clock >= Y.getState(doc.store, ia.client) || ib.clock >= Y.getState(doc.store, ib.client)) return undefined;
  const itemA = Y.getItem(doc.store, ia);
  const itemB = Y.getItem(doc.store, ib);
  if (!(itemA instanceof Y.Item) || !(itemB instanceof Y.Item) || itemA.parent !== itemB.parent || !(itemA.parent instanceof Y.AbstractType)) return undefined;
  if (itemA === itemB) return ia.clock < ib.clock;
  for (let item = itemA.parent._start; item !== null; item = item.right) {
    if (item === itemA) return true;
    if (item === itemB) return false;
  }
  return undefined;
}

/** How many copies of copies standingCopy follows (as copiedAlsoBy and join-rescue's copyFollowed). */
const ONWARD_HOPS = 16;

/** What this page moved (original character → its copy), and the repeats of it in others' moves. */
export class OwnMoves {
  private readonly copies = new Map<string, Y.ID>();
  /** The other way: each copy's original (for copies of copies, one hop back). */
  private readonly sources = new Map<string, Y.ID>();
  /** The move each original character went in (the same keys as `copies`). */
  private readonly moveOf = new Map<string, OwnMove>();
  /** The characters this page moved out of each text node its move deleted ("<client>:<clock>" of the node's item). */
  private readonly movedFrom = new Map<string, Y.ID[]>();

  /** This page's moves whose split was looked at for making again (split-again.ts): each once, whatever comes after. */
  private readonly splitAgain = new WeakSet<OwnMove>();
  /** For each of this page's moves: the other movers whose noted moves copied any of its characters too. */
  private readonly otherMovers = new WeakMap<OwnMove, Set<number>>();

  /** The earlier pages' ids whose moves this page has taken for its own (adoptEarlier). */
  private readonly adopted = new Set<number>();
  /** The characters those moves copied ("<client>:<clock>" of each source): never read by their text (copyOf). */
  private readonly adoptedSources = new Set<string>();

  /**
   * `stored`: the clock of a client up to which the server acknowledged storing this page's changes. A
   * move of this page's the server had acknowledged may have been seen by the other person (whose copy
   * then continuing with the same text is their own doing, a paste), so only unacknowledged ones count.
   * `earlier`: the ids of this browser's earlier pages of the document that count as this page's own now
   * (join-rescue.ts ownClients: closed pages whose copy this page loaded): their moves are this page's to
   * judge, as their notes say them.
   */
  constructor(
    private readonly doc: Y.Doc,
    private readonly stored: (client: number) => number = () => 0,
    private readonly earlier: () => ReadonlySet<number> = () => new Set(),
  ) {}

  /**
   * Takes the moves an earlier page of this browser noted (MOVED) for this page's own, for each earlier id
   * not taken yet. Alice presses Enter offline and reloads the page: the new page has a new client id, and the
   * record of the old page's moves went with it, so where her move was the one to give way nobody did and the
   * words came twice. Her note in the document says the same (its characters, what she had seen), and both
   * pages judge by it. Reads the notes once per earlier id (a look at a few dozen ids otherwise).
   */
  private adoptEarlier(): void {
    let fresh: Set<number> | undefined;
    for (const client of this.earlier()) if (client !== this.doc.clientID && !this.adopted.has(client)) (fresh ??= new Set()).add(client);
    if (fresh === undefined) return;
    for (const client of fresh) this.adopted.add(client);
    const map = this.doc.share.get(MOVED);
    if (map === undefined) return;
    for (const item of map._map.values()) {
      if (item.deleted || !fresh.has(item.id.client) || !(item.content instanceof Y.ContentAny)) continue;
      const note = parseNote(item.content.getContent()[0], item.id.client, this.doc.store);
      if (note === undefined) continue;
      const own: OwnMove = { first: note.first, ids: note.sources, seen: note.seen, author: note.author };
      for (const { source, copy } of note.pairs) {
        const k = key(source);
        if (this.moveOf.has(k)) continue; // this page's own record first
        this.adoptedSources.add(k);
        this.copies.set(k, copy);
        this.sources.set(key(copy), source);
        this.moveOf.set(k, own);
      }
    }
  }

  /** Whether `client` is this page or an earlier page of this browser whose moves it took for its own. */
  private ownAuthor(client: number): boolean {
    return client === this.doc.clientID || this.adopted.has(client);
  }

  /**
   * Remembers what `transaction`, a local edit, moved (`moved`: its moves, if already found), and returns
   * the moves (the Markdown shortcuts' among them) for noteMoves. Costs nothing unless it deleted and
   * inserted text.
   */
  record(transaction: Y.Transaction, moved: readonly Move[] = movesOf(transaction)): Move[] {
    // A paragraph this page made a list item, quote or heading with a Markdown shortcut moved too.
    const all = movesWithShortcuts(transaction, moved);
    for (const move of all) {
      const seen = seenByMover(transaction, move);
      const own: OwnMove = { first: key(move.ids[0]!), ids: new Set(move.ids.map(key)), seen: (client) => seen[String(client)] ?? 0 };
      move.ids.forEach((id, i) => {
        const copy = move.run.ids[move.at + i]!;
        this.copies.set(key(id), copy);
        this.sources.set(key(copy), id);
        this.moveOf.set(key(id), own);
      });
      // Only a node the move deleted: another editor deleting it too cannot have seen this move. (Text split
      // off a node that stays may be seen, and the node joined after, with text like it: not a repeat.)
      if (move.node._item === null || !Y.isDeleted(transaction.deleteSet, move.node._item.id)) continue;
      const from = key(move.node._item.id);
      this.movedFrom.set(from, [...(this.movedFrom.get(from) ?? []), ...move.ids]);
    }
    for (const k of this.copies.keys()) {
      if (this.copies.size <= REMEMBERED) break;
      this.copies.delete(k);
      this.moveOf.delete(k);
    }
    for (const k of this.sources.keys()) {
      if (this.sources.size <= REMEMBERED) break;
      this.sources.delete(k);
    }
    // The oldest first, until what is left is within bounds (the node count and all their characters).
    if (all.length === 0) return all; // nothing added (most keystrokes)
    let total = 0;
    for (const ids of this.movedFrom.values()) total += ids.length;
    for (const [k, ids] of this.movedFrom) {
      if (this.movedFrom.size <= REMEMBERED_NODES && total <= REMEMBERED) break;
      this.movedFrom.delete(k);
      total -= ids.length;
    }
    return all;
  }

  /** The character this page's move copied to `id`, if `id` is such a copy (one hop back). */
  sourceOf(id: Y.ID): Y.ID | undefined {
    return this.sources.get(key(id));
  }

  /**
   * This page's copies of characters that a move noted in `transaction` (from elsewhere: MOVED) copied too:
   * two copies of one character standing at once. Of the two moves, the one that starts inside the other
   * (the later Enter in a paragraph) gives way, and of two that start at one character (both pressed Enter
   * there, both joined it) the one of the higher client id, as repeats and repeatsOfNodes decide; this page
   * deletes its copy when its move gives way and the other's copy of the character still stands (deleted
   * since, by its mover, the words would be lost: this page's stays).
   */
  repeatsOfNoted(transaction: Y.Transaction, again?: SplitAgain[]): Repeat[] {
    if (notedMovesIn(transaction).length === 0) return [];
    this.adoptEarlier();
    if (this.moveOf.size === 0) return [];
    const out: Repeat[] = [];
    const standingOf = standingCopy(this.doc, copiesBySource(transaction));
    for (const theirs of notedMovesIn(transaction)) {
      // An earlier page's own note, reaching this page as its browser's copy is read (after the page opened,
      // on a loaded machine): no other mover's. Counted as one, Alice's Enter was not made again when hers
      // gave way (alone() saw two other movers; a CI run).
      if (this.ownAuthor(theirs.author)) continue;
      const judged = new Map<OwnMove, boolean>(); // once per move of this page's: asked for each character it copied
      const givesWay = (own: OwnMove) => {
        let answer = judged.get(own);
        if (answer === undefined) judged.set(own, (answer = ownGivesWay(own, theirs, this.doc)));
        return answer;
      };
      for (const { source, copy } of theirs.pairs) {
        const own = this.moveOf.get(key(source));
        if (own !== undefined) {
          const movers = this.otherMovers.get(own) ?? new Set<number>();
          movers.add(theirs.author);
          this.otherMovers.set(own, movers);
        }
        // Their copy, or their copy of it made in the same change (Enter, then Shift+Tab on the new line).
        if (own === undefined || !givesWay(own)) continue;
        const standing = standingOf(copy);
        if (standing === undefined) continue;
        const mine = this.copyOf(source, false);
        if (mine !== undefined) out.push({ node: mine.node, id: mine.id, standing });
        if (again !== undefined && !this.splitAgain.has(own)) {
          this.splitAgain.add(own); // once: made again in the first copy that takes its words
          const split = this.splitToMakeAgain(own, theirs, standingOf);
          if (split !== undefined) again.push(split);
        }
      }
    }
    return out;
  }

  /**
   * Where this page's split `own`, giving way to `theirs`, is made again (split-again.ts): only a split (its
   * copy starts a block it made, or follows an element it made in the line it split) that starts inside the
   * other's move (a later Enter in the line), before their copy of its first character.
   */
  private splitToMakeAgain(own: OwnMove, theirs: NotedMove, standingOf: (copy: Y.ID) => Y.ID | undefined): SplitAgain | undefined {
    const at = theirs.pairs.findIndex(({ source }) => key(source) === own.first);
    const pair = theirs.pairs[at];
    const before = pair === undefined ? undefined : standingOf(pair.copy);
    if (pair === undefined || before === undefined) return undefined;
    // Their move must hold, before this page's first character, one this page had seen: else both split at one
    // place as this page saw it (Alice typed "Z" at "g|hi" and pressed Enter before it, Bob pressed Enter there):
    // one split, "g" and "Zhi"; a line break of this page's then goes, as a paragraph this page's Enter made does.
    const again = !own.ids.has(theirs.first) && theirs.pairs.slice(0, at).some(({ source }) => source.clock < own.seen(source.client));
    const mine = this.copyOf(pair.source, false);
    if (mine === undefined) return undefined;
    // Made again only while theirs is the one other move of these words known here, when it is made (a microtask
    // later, after whatever else arrived in the same turn): with three people splitting one line at once, the
    // copy it went into could itself be a repeat of the third one's, and the words came twice.
    const alone = () => (this.otherMovers.get(own)?.size ?? 0) <= 1;
    const source = Y.getItem(this.doc.store, pair.source);
    if (!(source instanceof Y.Item) || !(source.parent instanceof Y.XmlText)) return undefined;
    const madeHere = (type: YType | null | undefined) => type instanceof Y.XmlElement && type._item !== null && type._item.id.client === mine.id.client;
    const block = mine.node.parent;
    if (block === source.parent.parent) {
      const made = elementBefore(mine.node);
      return made !== undefined && madeHere(made) ? { before, own: mine.node, made, again, alone } : undefined;
    }
    const first = block instanceof Y.XmlElement ? block.toArray()[0] : undefined;
    return again && madeHere(block) && first === mine.node ? { before, own: mine.node, made: 'block', again, alone } : undefined;
  }

  /**
   * Whether character `id` is this page's copy (a move's, or a copy's copy) of a character that a move noted
   * in `transaction` (from elsewhere) copied too: the other person moved the same text without seeing this
   * page's move. When `transaction` also deletes this page's copy (it stood in a block the other deleted:
   * Alice makes the list numbered while Bob indents "three" or splits "two"), it is not lost text to type
   * again: the other's copy holds it, and typing it again repeated it. So too when that copy moved on in
   * the same change (Alice splits "tw|o", then makes the list numbered: her copy of "o" copied again). A copy
   * gone since is not counted: gone with a block this page had deleted, only this page's copy is left to keep.
   */
  copiedAlsoBy(transaction: Y.Transaction): (id: Y.ID) => boolean {
    if (notedMovesIn(transaction).length === 0) return () => false;
    this.adoptEarlier();
    if (this.sources.size === 0) return () => false;
    const copiesOf = copiesBySource(transaction);
    // A character copied by the other, a copy (or a copy of it, hop by hop) still standing. Each answered
    // once (a note comes from any client: chains may loop, one character may be named many times).
    const answered = new Map<string, boolean>();
    const holds = (k: string, hops: number): boolean => {
      const known = answered.get(k);
      if (known !== undefined) return known;
      answered.set(k, false); // a loop holds nothing
      const held = hops < 16 && (copiesOf.get(k) ?? []).some((copy) => standing(this.doc, copy) || holds(key(copy), hops + 1));
      answered.set(k, held);
      return held;
    };
    const copied = new Set<string>();
    for (const k of copiesOf.keys()) if (holds(k, 0)) copied.add(k);
    return (id) => {
      let source = this.sources.get(key(id));
      for (let hops = 0; source !== undefined && hops < 16; hops++) {
        if (copied.has(key(source))) return true;
        source = this.sources.get(key(source));
      }
      return false;
    };
  }

  /**
   * This page's copies of text nodes that `transaction` (from elsewhere) also moved whole: the same paragraph
   * joined by both, made a list item by both, joined by one and made a heading by the other. The other's
   * deletion of the node changes nothing here (this page deleted it already), so only what its editor said
   * it saw of the node (join-rescue.ts' SEEN, written for every text node an editor deletes: `deletedNodes`,
   * those keys) tells that it went, and that its editor had not seen this page's move (it would have had
   * nothing to delete). Its copy is a run of text the transaction inserted that holds all of this page's.
   * One of the two copies goes, the same one on both pages: that of the higher client id (the movers are the
   * editors that said so, not whoever typed into a copy since). The server's
   * acknowledgements cannot decide it: two changes stored in one flush are each shown to the other person
   * before their own acknowledgement reaches them, and both pages deleted their copy (the text was lost).
   */
  repeatsOfNodes(transaction: Y.Transaction, deletedNodes: ReadonlyMap<string, ReadonlySet<number>>): Repeat[] {
    if (transaction.local) return [];
    const out: Repeat[] = [];
    let inserted: ReturnType<typeof insertedRuns> | undefined;
    for (const [node, movers] of deletedNodes) {
      // Another mover with a lower id keeps theirs; with none, this page's copy stays (theirs goes there).
      if (![...movers].some((client) => client < this.doc.clientID)) continue;
      const from = this.movedFrom.get(node);
      if (from === undefined) continue;
      const copies = from.map((id) => this.copyOf(id, false)).filter((c) => c !== undefined);
      if (copies.length === 0) continue;
      inserted ??= insertedRuns(transaction);
      const text = copies.map((c) => c.ch).join('');
      // Their copy: what they wrote in one run (letters a third person typed into it since left out).
      const theirs = inserted.some((run) => run.ids.map((id, i) => (movers.has(id.client) ? run.text[i] : '')).join('').includes(text));
      if (!theirs) continue;
      out.push(...copies.map(({ node: n, id }) => ({ node: n, id })));
    }
    return out;
  }

  /**
   * This page's copy of character `id` from a move the server has not acknowledged (any move, `unstored`
   * false), if it is still there (through copies of copies: Enter pressed again in moved text), with its text.
   */
  private copyOf(id: Y.ID, unstored = true): { id: Y.ID; node: Y.XmlText; ch: string } | undefined {
    // Whether an earlier page's move (adopted) was acknowledged, this page cannot tell: what the server stored
    // of it is known only from this page's own acknowledgements, which the server's first answer comes before.
    // Such a move is read by its note alone (repeatsOfNoted), never as unacknowledged: read by its text, a
    // split the other person had seen took their typing after it for a repeat, and its letters went (found by
    // a review: Bob joined "hello" up and typed " wow" after it; Alice's reloaded page took out the "o" of her
    // earlier " world").
    if (unstored && this.adoptedSources.has(key(id))) return undefined;
    let copy = this.copies.get(key(id));
    for (let hops = 0; copy !== undefined && hops < 16; hops++) {
      if (unstored && (copy.clock < this.stored(copy.client) || this.adoptedSources.has(key(copy)))) return undefined;
      const item = Y.getItem(this.doc.store, copy);
      // Deleted (its content maybe collected already): moved again, or gone.
      if (!(item instanceof Y.Item) || item.deleted) {
        copy = this.copies.get(key(copy));
        continue;
      }
      if (!(item.content instanceof Y.ContentString) || !(item.parent instanceof Y.XmlText)) return undefined;
      return { id: copy, node: item.parent, ch: item.content.str[copy.clock - item.id.clock]! };
    }
    return undefined;
  }

  /**
   * This page's copies of text that `transaction` (from elsewhere) moved again: text this page had moved
   * away from where the other person, not having seen that, moved it from too.
   */
  repeats(transaction: Y.Transaction): Repeat[] {
    if (transaction.local || this.copies.size === 0 || !insertsAndDeletes(transaction)) return [];
    const found = moves(transaction, nodesDeletedFrom(transaction));
    // The characters of each copy that stand for one this page still saw (a copy run may hold several moves).
    const matched = new Set<string>();
    for (const m of found) for (let i = 0; i < m.ids.length; i++) matched.add(key(m.run.ids[m.at + i]!));
    // What the other noted each character of its copies is a copy of: a character read here, by its text,
    // as going on from this page's copy may be the other's copy of another character (Bob joins "jkl" to
    // "ghi" and splits "jk|l"; Alice, at the same moment, lifts "def" out and her editor writes "jkl" again,
    // her "l" a copy of the original "l", not of Bob's joined one): both pages then took out their own "l",
    // and it was lost. Nor is one the other noted as its copy of the same character: with three people moving
    // the end of one line at once, Bob's page took out his "fg" by the text of Carol's copy while her page gave
    // way to his by the noted rule, and "fg" was lost. Every character a noted move copied is repeatsOfNoted's
    // to decide, by one order of the moves that every page reads alike; this reading by text is for the moves
    // of editors that note nothing.
    const sourceOf = new Map<string, string>();
    for (const theirs of notedMovesIn(transaction)) for (const { source, copy } of theirs.pairs) sourceOf.set(key(copy), key(source));
    const out: Repeat[] = [];
    for (const m of found) out.push(...this.repeatsAfter(transaction, m, matched, sourceOf));
    return out;
  }

  /**
   * This page's copies of the characters that follow move `m`'s in its source node and were moved away by
   * this page before (deleted before this transaction), where the other copy goes on with the same text.
   */
  private repeatsAfter(transaction: Y.Transaction, m: Move, matched: Set<string>, sourceOf: ReadonlyMap<string, string>): Repeat[] {
    const last = m.ids[m.ids.length - 1]!;
    const out: Repeat[] = [];
    let k = m.at + m.ids.length; // next character of the other copy
    let started = false;
    for (let item = m.node._start; item !== null; item = item.right) {
      if (!started) {
        if (item.id.client === last.client && last.clock >= item.id.clock && last.clock < item.id.clock + item.length) {
          started = true;
          if (last.clock + 1 < item.id.clock + item.length) return out; // the move ended inside this item: what follows was not moved away before
        }
        continue;
      }
      if (item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0)) continue; // arrived with it
      if (item.content instanceof Y.ContentFormat) continue;
      // Still there, or deleted by this transaction: what follows in the other copy is no repeat of this page's.
      if (!item.deleted || Y.isDeleted(transaction.deleteSet, item.id)) return out;
      // Deleted before (its text may be gone: garbage-collected); the copy this page holds says what it was.
      for (let i = 0; i < item.length; i++) {
        const id = Y.createID(item.id.client, item.id.clock + i);
        const mine = this.copyOf(id);
        const other = m.run.ids[k];
        if (mine === undefined || other === undefined || matched.has(key(other)) || m.run.text[k] !== mine.ch) return out;
        const source = sourceOf.get(key(other));
        if (source !== undefined) return out;
        out.push({ node: mine.node, id: mine.id });
        k++;
      }
    }
    return out;
  }
}

/**
 * Deletes `repeats` in one transaction of `origin`, and a block of this page's left empty by it (the
 * paragraph its Enter had made; an earlier page's of this browser when the copy is that page's).
 */
export function deleteRepeats(doc: Y.Doc, repeats: readonly Repeat[], origin: unknown): void {
  doc.transact((transaction) => {
    // A caret before a repeat goes before the other's copy of that character (narrow-sync.ts): it went to the
    // start of the other's line, and with the split made again (split-again.ts) stayed out of its own new line.
    const standing = new Map<string, Y.ID>();
    for (const { id, standing: other } of repeats) if (other !== undefined) standing.set(key(id), other);
    if (standing.size > 0) transaction.meta.set(REPEATS_STANDING, standing);
    transaction.meta.set(REPEATS_TAKEN_OUT, true);
    const nodes = new Map<Y.XmlText, number>(); // → whose copy it held
    for (const { node, id } of [...repeats].reverse()) {
      const index = indexIn(node, id);
      if (index === undefined) continue;
      node.delete(index, 1);
      nodes.set(node, id.client);
    }
    for (const [node, author] of nodes) dropIfEmptied(doc, node, undefined, author);
  }, origin);
}

