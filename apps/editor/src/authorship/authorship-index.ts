// Who wrote each Yjs id the editor shows, and when: the server's answer for the log so far
// (GET /api/docs/:doc/authorship), the author of each Yjs client id as the server binds it live
// (message 102), and when this browser first saw each id arrive.

import { type Colored, type Shown, spreadColors } from '../collab/presence-colors.js';

export interface AuthorInfo {
  readonly name: string;
  readonly color: string;
  readonly verified: boolean;
}

/** [client, clock, length, authorId, receivedAtMs], as the server sends them. */
export type AuthorshipRange = readonly [number, number, number, string, number];

export interface AuthorshipAnswer {
  readonly seq: number;
  readonly authors: Readonly<Record<string, AuthorInfo>>;
  readonly ranges: readonly AuthorshipRange[];
}

export interface BindingsMessage {
  readonly bindings: ReadonlyArray<readonly [number, string]>;
  readonly authors: Readonly<Record<string, AuthorInfo>>;
}

/** One run of a client's clocks: [from, to) by `author` (undefined: ask the bindings) at `at`. */
interface Run {
  readonly from: number;
  readonly to: number;
  readonly author: string | undefined;
  readonly at: number;
}

/** What the index says of a run of ids: who, when, and where the answer next changes. */
export interface Attribution {
  readonly author: string | undefined;
  readonly at: number | undefined;
  readonly end: number;
}

/** The people present now, and the colour each is shown in (by the people list and the cursors). */
export interface PresentColors {
  /** The Yjs client ids of the pages present. */
  present(): Iterable<number>;
  /** Who writes on `client`'s page when the server has not bound it yet (this page's own person); undefined: not known. */
  authorOf(client: number): string | undefined;
  /** The colour the page of `clientId` is shown in; `own`: its person's own colour. */
  colorOf(clientId: number, own: string): string;
}

export class AuthorshipIndex {
  private readonly stored = new Map<number, Run[]>();
  private readonly seen = new Map<number, Run[]>();
  private readonly bound = new Map<number, string>();
  private readonly info = new Map<string, AuthorInfo>();
  /** Bumped on every change, so views know to repaint. */
  version = 0;
  /** Bumped on changes that may recolour any passage (not just text that arrived): repaint it all. */
  wholeVersion = 0;
  /** Whether the colours are shown (the toggle). */
  private on = false;
  /** Told after every change. */
  readonly listeners = new Set<() => void>();
  private presence: PresentColors | undefined;
  /** The colour each author was shown in, and their own colour it was chosen for (see colors()). */
  private shown = new Map<string, Shown>();
  /** A number per author, in the order first named: spreadColors' tie-break, stable as authors come. */
  private readonly numbers = new Map<string, number>();
  /** The colours of `shown` as of this version and presence; undefined: to be worked out again. */
  private colorsNow: Map<string, string> | undefined;
  private namedNow: string[] | undefined;

  get enabled(): boolean {
    return this.on;
  }

  set enabled(on: boolean) {
    this.on = on;
    this.changed();
  }

  private changed(whole = true): void {
    this.version += 1;
    if (whole) {
      this.wholeVersion += 1;
      this.colorsNow = undefined; // authors or names may have come
    }
    for (const listener of this.listeners) listener();
  }

  /**
   * Shows authors in the colours `presence` shows their pages in while they are present, so that a person's
   * words, cursor and dot agree (the words took the colour of the server's records, the cursor the one its
   * person chose), and spreads the others apart from them as the people list does.
   */
  usePresence(presence: PresentColors): void {
    this.presence = presence;
    this.colorsNow = undefined;
  }

  /** Someone came, went or changed: repaints when that changes an author's colour. */
  presenceChanged(): void {
    if (!this.on || this.colorsNow === undefined) {
      this.colorsNow = undefined;
      return;
    }
    const before = this.colorsNow;
    this.colorsNow = undefined;
    const now = this.colors();
    if (now.size !== before.size || [...now].some(([id, color]) => before.get(id) !== color)) this.changed();
  }

  /**
   * The colour each author is shown in: a present author's as their page is shown; the others their own,
   * unless one shown before them is within MIN_HUE_APART (spreadColors; a colour once shown stays).
   */
  private colors(): Map<string, string> {
    if (this.colorsNow !== undefined) return this.colorsNow;
    const present = new Map<string, string>();
    // This page first: its person's words in the colour of its own dot, whatever another tab of theirs shows.
    const clients = [...(this.presence?.present() ?? [])].sort((a, b) => Number(this.presence!.authorOf(b) !== undefined) - Number(this.presence!.authorOf(a) !== undefined));
    for (const client of clients) {
      const author = this.presence!.authorOf(client) ?? this.bound.get(client);
      const info = author === undefined ? undefined : this.info.get(author);
      if (author !== undefined && info !== undefined && !present.has(author)) present.set(author, this.presence!.colorOf(client, info.color));
    }
    const authors = this.named();
    const people: Colored[] = authors.flatMap((id) => {
      const info = this.info.get(id);
      if (info === undefined) return [];
      if (!this.numbers.has(id)) this.numbers.set(id, this.numbers.size);
      const shownAs = present.get(id);
      // Present: fixed in their page's colour (spreadColors keeps a person marked as self in their colour).
      return [{ clientId: this.numbers.get(id)!, color: shownAs ?? info.color, isSelf: shownAs !== undefined }];
    });
    const before = new Map<number, Shown>();
    for (const [id, was] of this.shown) if (this.numbers.has(id)) before.set(this.numbers.get(id)!, was);
    const spread = spreadColors(people, before);
    const colors = new Map<string, string>();
    for (const id of authors) {
      const info = this.info.get(id);
      const color = spread.get(this.numbers.get(id) ?? -1)?.color;
      if (info === undefined || color === undefined) continue;
      colors.set(id, color);
      this.shown.set(id, { own: info.color, color });
    }
    this.colorsNow = colors;
    return colors;
  }

  /** Replaces what the log said with a new answer. */
  load(answer: AuthorshipAnswer): void {
    this.stored.clear();
    for (const [client, clock, length, author, at] of answer.ranges) {
      let runs = this.stored.get(client);
      if (runs === undefined) this.stored.set(client, (runs = []));
      runs.push({ from: clock, to: clock + length, author, at });
    }
    for (const runs of this.stored.values()) runs.sort((a, b) => a.from - b.from);
    for (const [id, info] of Object.entries(answer.authors)) this.info.set(id, info);
    this.namedNow = undefined;
    this.changed();
  }

  bind(message: BindingsMessage): void {
    for (const [client, author] of message.bindings) this.bound.set(client, author);
    for (const [id, info] of Object.entries(message.authors)) this.info.set(id, info);
    this.namedNow = undefined;
    this.changed();
  }

  /** This browser saw clocks [from, to) of `client` arrive at `at` (its own typing or someone else's). */
  saw(client: number, from: number, to: number, at: number): void {
    let runs = this.seen.get(client);
    if (runs === undefined) this.seen.set(client, (runs = []));
    const last = runs.at(-1);
    // Clocks of one client only grow; a run that continues the last within a minute extends it.
    if (last !== undefined && last.to === from && at - last.at < 60_000) runs[runs.length - 1] = { ...last, to };
    else runs.push({ from, to, author: undefined, at });
    this.changed(false);
  }

  /** Every author the log or the bindings named, with their name and colour. */
  authors(): Array<[string, AuthorInfo]> {
    return this.named().flatMap((id) => {
      const info = this.describe(id);
      return info === undefined ? [] : [[id, info] as [string, AuthorInfo]];
    });
  }

  /** `author`'s name, and the colour they are shown in (see colors()). */
  describe(author: string): AuthorInfo | undefined {
    const info = this.info.get(author);
    if (info === undefined) return undefined;
    const color = this.colors().get(author);
    return color === undefined || color === info.color ? info : { ...info, color };
  }

  /** Every author the log or the bindings named (kept until the next answer or bindings). */
  private named(): string[] {
    if (this.namedNow !== undefined) return this.namedNow;
    const named = new Set<string>();
    for (const runs of this.stored.values()) for (const run of runs) if (run.author !== undefined) named.add(run.author);
    for (const author of this.bound.values()) named.add(author);
    this.namedNow = [...named];
    return this.namedNow;
  }

  /** Who wrote `clock` of `client`, when, and the clock where that answer may change. */
  attribute(client: number, clock: number): Attribution {
    const stored = find(this.stored.get(client), clock);
    if (stored.run !== undefined) return { author: stored.run.author, at: stored.run.at, end: stored.run.to };
    const seen = find(this.seen.get(client), clock);
    const author = this.bound.get(client);
    if (seen.run !== undefined) return { author, at: seen.run.at, end: Math.min(seen.run.to, stored.next) };
    return { author, at: undefined, end: Math.min(stored.next, seen.next) };
  }
}

/** The run holding `clock`, or the start of the next one. */
function find(runs: Run[] | undefined, clock: number): { run: Run | undefined; next: number } {
  if (runs === undefined) return { run: undefined, next: Number.POSITIVE_INFINITY };
  let lo = 0;
  let hi = runs.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid]!.from <= clock) (at = mid), (lo = mid + 1);
    else hi = mid - 1;
  }
  const run = at >= 0 && clock < runs[at]!.to ? runs[at] : undefined;
  return { run, next: runs[at + 1]?.from ?? Number.POSITIVE_INFINITY };
}

let timeFormat: Intl.DateTimeFormat | undefined;
let dayFormat: Intl.DateTimeFormat | undefined;
let yearFormat: Intl.DateTimeFormat | undefined;
/** Formatted minutes: a repaint labels thousands of passages typed in a few minutes. */
const formatted = new Map<number, string>();

/** "Today 14:05", "Yesterday 09:12", "3 Nov 14:05", "3 Nov 2025 14:05". */
export function formatWhen(at: number, now = Date.now()): string {
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const today = day(new Date(now));
  const minute = Math.floor(at / 60_000);
  // Keyed by the minute and today, so that yesterday's "Today" is not kept.
  const key = minute * 100_000 + (today / 86_400_000) % 100_000;
  const known = formatted.get(key);
  if (known !== undefined) return known;
  const date = new Date(at);
  const time = (timeFormat ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })).format(date);
  const days = Math.round((today - day(date)) / 86_400_000);
  let text: string;
  if (days === 0) text = `Today ${time}`;
  else if (days === 1) text = `Yesterday ${time}`;
  else if (date.getFullYear() === new Date(now).getFullYear()) text = `${(dayFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' })).format(date)} ${time}`;
  else text = `${(yearFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' })).format(date)} ${time}`;
  if (formatted.size > 10_000) formatted.clear();
  formatted.set(key, text);
  return text;
}
