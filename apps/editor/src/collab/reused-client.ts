// A page of a document takes back the Yjs client id of an earlier page of it in this browser, when that is
// safe, instead of adding a new one. Yjs costs every transaction time in the number of client ids the
// document has ever held (it copies the whole state vector before and after each, yjs/yjs#415): on every
// page, for each key typed and each change received, and twice per update on the server. With a new id at
// every page load, a document a team opens every day reaches thousands: at 5 000 ids an empty Yjs
// transaction took 1.2–1.7 ms here (11–16 µs at 10), and the server spent 5.5–6.9 ms of CPU per keystroke
// instead of 0.75–0.9 (`npm run bench:past-clients`, README "A document's past client ids").
//
// Safe, because no clock of an id is ever written twice:
// - an id is offered only by a page as it closes (pagehide) with everything it wrote stored by the server
//   (its status "Saved"), together with the clock it had reached (and its presence's clock, which the
//   taker's presence starts above); a page closed with anything unsaved offers nothing (its text is this
//   browser's to send, as join-rescue.ts handles);
// - it is taken by one page at a time: the taker holds the Web Lock named for the id (clientLock), which
//   every page holds for its own id while it is open, and a page that comes back from the back-forward
//   cache after offering its id reloads instead of writing on under it;
// - only by the same person (a token's subject, or this browser's guest id): the server keeps an id to
//   whoever first wrote under it (client-ownership.ts);
// - only once this browser's copy is read and holds exactly the clock offered, before the page has written
//   anything under its own new id and before it connects: Yjs takes an id's own writing arriving from
//   elsewhere as a sign that another client uses it, so the id may only change once all of it is here.
// Anything else leaves the page with its own new id, as before.

import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

/** The Web Lock a page holds for the client id it writes under, while it is open: this and the id. */
export const CLIENT_LOCK = 'tandem:client:';
export const clientLock = (client: number): string => `${CLIENT_LOCK}${client}`;

/** Settles as the page closes (pagehide): what a page's Web Lock callback returns to hold the lock while it is open. */
export const untilPageHide = (): Promise<void> => new Promise<void>((release) => addEventListener('pagehide', () => release(), { once: true }));

interface Offer {
  readonly id: number;
  /** The id's clock when its page closed: everything before it was stored. */
  readonly clock: number;
  /** Whose writing it was (see `who` in offerOnLeave). */
  readonly who: string;
  /** The id's presence (awareness) clock then: others ignore a state of the id that is not newer. */
  readonly presence: number;
  /** When it was offered (ms): the oldest go past MAX_OFFERS. */
  readonly at: number;
}

/** Offers kept per document (the newest). */
const MAX_OFFERS = 8;
/**
 * Each offer has a key of its own, written and removed whole: tabs see each other's localStorage writes a
 * moment late, and a list read, changed and written back by one tab could put back an offer another had just
 * taken (found by a review).
 */
const offerPrefix = (docName: string) => `tandem:offered-client:${docName}:`;

function readOffers(docName: string): Offer[] {
  const prefix = offerPrefix(docName);
  const offers: Offer[] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      // Only "<prefix><digits>": a document whose name goes on after this one's (`a` and `a:1`) is not this one.
      if (key === null || !key.startsWith(prefix) || !/^\d+$/.test(key.slice(prefix.length))) continue;
      const o = JSON.parse(localStorage.getItem(key) ?? 'null') as Partial<Offer> | null;
      const id = Number(key.slice(prefix.length));
      const valid = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
      if (o !== null && typeof o === 'object' && valid(o.clock) && o.clock > 0 && typeof o.who === 'string' && valid(o.presence) && valid(o.at)) {
        offers.push({ id, clock: o.clock, who: o.who, presence: o.presence, at: o.at });
      }
    }
  } catch {
    // no storage here, or an entry not of ours: what could be read
  }
  return offers.sort((a, b) => a.at - b.at);
}

function putOffer(docName: string, { id, ...rest }: Offer): void {
  try {
    localStorage.setItem(`${offerPrefix(docName)}${id}`, JSON.stringify(rest));
    for (const old of readOffers(docName).slice(0, -MAX_OFFERS)) withdraw(docName, old.id);
  } catch {
    // no storage here: nothing is offered, and nothing can be taken
  }
}

function withdraw(docName: string, id: number): void {
  try {
    localStorage.removeItem(`${offerPrefix(docName)}${id}`);
  } catch {
    // no storage here: nothing was offered
  }
}

export interface OfferOptions {
  /** The document's name as the page closes (it may have been renamed meanwhile). */
  readonly docName: () => string;
  /** Whose writing this page's is: a token's subject, or `guest:<this browser's id>`. */
  readonly who: string;
  readonly doc: Y.Doc;
  /** The page's presence (its clock goes with the offer). */
  readonly awareness: Awareness;
  /** Whether the server has stored everything this page wrote. */
  readonly saved: () => boolean;
}

/** As the page closes with everything stored, offers its client id to the next page of the document here. */
export function offerOnLeave({ docName, who, doc, awareness, saved }: OfferOptions): void {
  let offered = false;
  addEventListener('pagehide', () => {
    const id = doc.clientID;
    const clock = Y.getState(doc.store, id);
    // An id nothing was written under costs nothing: the next page's own is as good.
    if (clock === 0 || !saved()) return;
    putOffer(docName(), { id, clock, who, presence: awareness.meta.get(awareness.clientID)?.clock ?? 0, at: Date.now() });
    offered = true;
  });
  // Back from the back-forward cache after offering its id, which another page may have taken: it starts
  // again rather than write on under an id it may no longer hold.
  addEventListener('pageshow', (event) => {
    if (event.persisted && offered) location.reload();
  });
}

/** Holds the Web Lock `name` until the page closes, if nobody holds it now. */
function holdIfFree(locks: LockManager, name: string): Promise<boolean> {
  return new Promise((resolve) => {
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        if (lock === null) return undefined;
        return untilPageHide();
      })
      .catch(() => resolve(false));
  });
}

export interface TakeOptions {
  readonly docName: string;
  readonly who: string;
  readonly doc: Y.Doc;
  /** The page's presence, whose id follows the document's (presence and cursors are told apart by it). */
  readonly awareness: Awareness;
  /** Whether `client` is one this browser's pages of the document used (join-rescue.ts rememberedClients). */
  readonly usedHere: (client: number) => boolean;
  /**
   * Called with the id taken (before the page's document and presence change to it), the page's own id it
   * replaces, and the clock up to which the server stored what was written under it.
   */
  readonly taking: (taken: number, own: number, storedClock: number) => void;
}

/**
 * Takes an id an earlier page of this document offered (see the top of this file) and makes it this page's:
 * the document's and its presence's. Call once this browser's copy is read into `doc` and before the page
 * connects. Resolves to the id taken, or undefined (the page keeps its own).
 */
export async function takeOffered({ docName, who, doc, awareness, usedHere, taking }: TakeOptions): Promise<number | undefined> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks === undefined) return undefined;
  const own = doc.clientID;
  const fresh = () => doc.clientID === own && Y.getState(doc.store, own) === 0;
  for (const offer of readOffers(docName).reverse()) {
    if (!fresh()) return undefined; // the page wrote under its own id meanwhile: it keeps that one
    if (offer.who !== who || offer.id === own || !usedHere(offer.id)) continue;
    const state = Y.getState(doc.store, offer.id);
    // Written under since it was offered (not by a page that took it: that withdraws it): never again.
    if (state > offer.clock) {
      withdraw(docName, offer.id);
      continue;
    }
    // This browser's copy lacks some of what was written under it: not here, not now.
    if (state < offer.clock) continue;
    if (!(await holdIfFree(locks, clientLock(offer.id)))) continue;
    // The lock is held until the page closes: the id is this page's whatever happens next, so it is no longer offered.
    withdraw(docName, offer.id);
    if (!fresh() || Y.getState(doc.store, offer.id) !== offer.clock) return undefined;
    taking(offer.id, own, offer.clock);
    doc.clientID = offer.id;
    // Above the clock the id's presence had reached (a room that forgot it, another instance or a restarted
    // server would pass a lower one on unchanged, and people already in the document ignore a state that is
    // not newer: found by a review); the server raises a state's clock by one or two at most.
    movePresence(awareness, offer.id, offer.presence + 3);
    return offer.id;
  }
  return undefined;
}

/**
 * Moves the page's presence state to `client`, at clock `above` + 1, before the page connects (nobody has
 * heard of its old id).
 */
function movePresence(awareness: Awareness, client: number, above: number): void {
  const state = awareness.getLocalState();
  awareness.states.delete(awareness.clientID);
  awareness.meta.delete(awareness.clientID);
  awareness.clientID = client;
  awareness.meta.set(client, { clock: above, lastUpdated: Date.now() });
  awareness.setLocalState(state);
}
