// Whole numbers from a request (query, path or JSON body), checked once: a value that is not a
// non-negative safe integer in range is the client's mistake (400), never a 500 further down.

import { TandemError } from '../errors.js';

interface Range {
  readonly min?: number;
  readonly max?: number;
}

function inRange(n: number, name: string, { min = 0, max = Number.MAX_SAFE_INTEGER }: Range): number {
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new TandemError('bad-request', `${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(n)}`);
  }
  return n;
}

/** A query or path parameter; `fallback` when it is absent or empty. */
export function intParam(value: string | undefined, name: string, options: Range & { fallback?: number } = {}): number {
  if (value === undefined || value === '') {
    if (options.fallback !== undefined) return options.fallback;
    throw new TandemError('bad-request', `Missing ${name}`);
  }
  if (!/^\d{1,16}$/.test(value)) throw new TandemError('bad-request', `${name} must be a whole number, not ${JSON.stringify(value.slice(0, 40))}`);
  return inRange(Number(value), name, options);
}

/** A number in a parsed JSON body. */
export function intField(value: unknown, name: string, options: Range = {}): number {
  if (typeof value !== 'number') throw new TandemError('bad-request', `${name} must be a number`);
  return inRange(value, name, options);
}
