// The values of the data commands' flags, checked before any store is opened or file written: a value
// that is not one is refused with the flag's name and the form it takes (a ConfigError: exit 2), never
// read as Number('') = 0, NaN or the year Date.parse('1') makes of it.

import { randomBytes } from 'node:crypto';
import { rm, writeFile, rename } from 'node:fs/promises';
import { ConfigError } from '../config.js';
import { parseIsoTime } from '../iso-time.js';

const quoted = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

/** A whole number in decimal digits (`12`; not ``, `1.5`, `-1`, `1e3`, `0x10`), from `min` to `max`. */
export function wholeNumberFlag(flag: string, value: string | undefined, { min = 0, max = Number.MAX_SAFE_INTEGER, what = 'a whole number' } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new ConfigError(`Invalid ${flag}=${quoted(value)}: ${what}, a whole number from ${min} to ${max}`);
  return n;
}

/** A number of days, possibly fractional (`30`, `0.5`), 0 or more: not ``, which Number() reads as 0. */
export function daysFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,6}(\.\d{1,6})?$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(n)) throw new ConfigError(`Invalid ${flag}=${quoted(value)}: a number of days, 0 or more (30, 0.5)`);
  return n;
}

/** An ISO 8601 time (`2026-11-25T10:00:00Z`, or a date, `2026-11-25`, midnight UTC) as ms since the epoch (see parseIsoTime). */
export function isoTimeFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const at = parseIsoTime(value);
  if (Number.isNaN(at)) throw new ConfigError(`Invalid ${flag}=${quoted(value)}: an ISO 8601 time (2026-11-25T10:00:00Z, or a date: 2026-11-25)`);
  return at;
}

/**
 * Writes `body` to `file` for `--out`: under a temporary name beside it, then renamed, so an interrupted
 * write never leaves half a file at the name asked for. A file that cannot be written is a ConfigError
 * naming it (exit 2), not a stack trace.
 */
export async function writeOutFile(flag: string, file: string, body: string | Uint8Array): Promise<void> {
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await writeFile(partial, body, { flush: true });
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    // ENOENT names the temporary file, which the person never asked for.
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'its directory does not exist' : (error as Error).message;
    throw new ConfigError(`cannot write ${flag} ${file}: ${why}`, { cause: error });
  }
}
