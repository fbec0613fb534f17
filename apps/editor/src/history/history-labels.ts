// How the history view names things: points in time ("Today 14:05", "Yesterday 09:12", "30 Nov 14:05"),
// and authors by the names and colours the server gives (a short fallback for any it did not).

import type { AuthorLookup, EditSession } from '../api/client.js';

const PALETTE = ['#e11d48', '#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

/** An author as shown: the server's name and colour, else a short handle and a colour from the id. */
export function authorInfo(id: string, lookup: AuthorLookup): { name: string; color: string } {
  const known = lookup[id];
  // The colour ends up in a style attribute: only a plain hex colour is taken as it is.
  if (known !== undefined && /^#[0-9a-f]{6}$/i.test(known.color)) return known;
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  const name = known?.name ?? (id.startsWith('conn-') ? `Guest ${id.slice(5, 11)}` : id);
  return { name, color: PALETTE[Math.abs(hash) % PALETTE.length]! };
}

/** "Ada", "Ada, Bob", "Ada, Bob, Cy", "Ada, Bob and 2 others". */
export function authorNames(ids: readonly string[], lookup: AuthorLookup): string {
  const names = ids.map((id) => authorInfo(id, lookup).name);
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} others`;
}

/** The same names in a sentence: "Ada", "Ada and Bob", "Ada, Bob and Cy", "Ada, Bob and 2 others". */
export function authorNamesInProse(ids: readonly string[], lookup: AuthorLookup): string {
  const names = ids.map((id) => authorInfo(id, lookup).name);
  if (names.length > 3) return `${names.slice(0, 2).join(', ')} and ${names.length - 2} others`;
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

/** "Today 14:05", "Yesterday 09:12", "30 Nov 14:05" (with the year when it is not this one); local time. */
export function whenLabel(at: Date, now: Date = new Date()): string {
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const days = Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days === 0) return `Today ${time}`;
  if (days === 1) return `Yesterday ${time}`;
  const date = at.toLocaleDateString(undefined, { day: 'numeric', month: 'short', ...(at.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }) });
  return `${date} ${time}`;
}

/** A session's time: "Today 14:05" when it lasted under a minute, else "Today 14:05–14:32". */
export function sessionWhen(session: EditSession, now: Date = new Date()): string {
  const start = new Date(session.startedAt);
  const end = new Date(session.endedAt);
  const from = whenLabel(start, now);
  if (end.getTime() - start.getTime() < 60_000) return from;
  const sameDay = startOfDay(start) === startOfDay(end);
  return `${from}–${sameDay ? end.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : whenLabel(end, now)}`;
}

/**
 * The label of a point on the slider: the time and the authors of the session it falls in; the end of
 * a session is labelled with the time it ended ("Today 14:32 · Ada, Bob"), a point inside it with the
 * session's span ("Today 14:05–14:32 · Ada, Bob"): the timeline gives no time for each point, and a guess would mislead.
 */
export function pointLabel(seq: number, session: EditSession | undefined, lookup: AuthorLookup, now: Date = new Date()): string {
  if (seq === 0) return 'Before the first edit · empty document';
  if (session === undefined) return 'An earlier edit';
  const names = authorNames(session.authors.map((a) => a.id), lookup);
  const when = seq >= session.toSeq ? whenLabel(new Date(session.endedAt), now) : sessionWhen(session, now);
  return `${when} · ${names}`;
}

/** The session holding `seq` (or the last one starting before it), by binary search over sessions in seq order. */
export function sessionAt(sessions: readonly EditSession[], seq: number): EditSession | undefined {
  let lo = 0;
  let hi = sessions.length - 1;
  let found: EditSession | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sessions[mid]!.fromSeq <= seq) (found = sessions[mid]), (lo = mid + 1);
    else hi = mid - 1;
  }
  return found;
}
