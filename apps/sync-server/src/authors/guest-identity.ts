// The identity an editor presents when authentication is off: `?author=<id>&name=<name>` on the
// WebSocket URL. Self-declared, so unverified; it is only read when no token decides who someone is.

/** A random id the editor keeps per browser (22 base64url characters from 16 random bytes, or longer). */
const GUEST_ID = /^[A-Za-z0-9_-]{16,64}$/;
export const MAX_NAME_LENGTH = 80;

export interface GuestIdentity {
  /** The id as presented (stored prefixed: `guest:<id>`). */
  readonly id: string;
  /** A clean display name, when the one presented was usable. */
  readonly name?: string;
}

/**
 * A display name as a person would see it: control characters removed, whitespace runs made one
 * space, trimmed; undefined unless 1..80 characters remain.
 */
export function cleanName(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  // Control and invisible formatting characters (bidi overrides, zero-width spaces) would let a name pose as another.
  // (The zero-width joiner stays: emoji sequences are made with it.) Lone surrogates go as well.
  const name = raw
    .replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\p{Cs}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  return name.length >= 1 && [...name].length <= MAX_NAME_LENGTH ? name : undefined;
}

/** The guest identity of `?author=&name=`, or undefined (the connection is then per-connection, as a stock client's). */
export function guestIdentity(author: string | undefined, name: string | undefined): GuestIdentity | undefined {
  if (author === undefined || !GUEST_ID.test(author)) return undefined;
  const clean = cleanName(name);
  return clean === undefined ? { id: author } : { id: author, name: clean };
}
