// Client addresses as the per-address limits and the loopback checks see them: one key per party
// that can cheaply change its address (an IPv6 /64), and which literals are loopback.

import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key `address` (a socket's remoteAddress) counts under for per-address limits: an IPv4 address
 * as it is, also when a dual-stack socket reports it IPv4-mapped (`::ffff:192.0.2.7`); an IPv6
 * address by its /64 prefix (`2001:db8:1:2::/64`), the least a subscriber is given and can rotate
 * through freely. Anything else (`unknown`) is returned unchanged.
 */
export function addressKey(address: string): string {
  if (isIPv4(address)) return address;
  const groups = ipv6Groups(address);
  if (groups === undefined) return address;
  return mappedIPv4(groups) ?? `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/**
 * Whether `address` (an IP literal, IPv6 optionally in brackets as in a Host header) is a loopback
 * address: any of 127.0.0.0/8, ::1, or 127.0.0.0/8 IPv4-mapped. Names (`localhost`) are not.
 */
export function isLoopbackAddress(address: string): boolean {
  const literal = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(literal)) return literal.startsWith('127.');
  const groups = ipv6Groups(literal);
  if (groups === undefined) return false;
  const ipv4 = mappedIPv4(groups);
  if (ipv4 !== undefined) return ipv4.startsWith('127.');
  return groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
}

/** A parsed address range: an IPv4 or IPv6 CIDR (a bare address is its own /32 or /128). */
export interface AddressRange {
  readonly text: string;
  /** 128 bits (IPv4 as IPv4-mapped IPv6) and the prefix length over them. */
  readonly bits: bigint;
  readonly prefix: number;
}

/** Parses `192.0.2.0/24`, `10.0.0.1`, `2001:db8::/32`, `::1`; undefined when it is none of these. */
export function parseAddressRange(text: string): AddressRange | undefined {
  const [address, length, extra] = text.trim().split('/');
  if (address === undefined || extra !== undefined) return undefined;
  const bits = addressBits(address);
  if (bits === undefined) return undefined;
  const v4 = isIPv4(address);
  const max = v4 ? 32 : 128;
  if (length !== undefined && !/^\d{1,3}$/.test(length)) return undefined;
  const own = length === undefined ? max : Number(length);
  if (own > max) return undefined;
  return { text: text.trim(), bits, prefix: v4 ? 96 + own : own };
}

/** Whether `address` (a socket's remoteAddress or a forwarded one) lies in `range`. */
export function inRange(address: string, range: AddressRange): boolean {
  const bits = addressBits(address);
  if (bits === undefined) return false;
  const shift = BigInt(128 - range.prefix);
  return bits >> shift === range.bits >> shift;
}

/** An address as 128 bits, IPv4 as IPv4-mapped IPv6 (so `1.2.3.4` and `::ffff:1.2.3.4` are one). */
function addressBits(address: string): bigint | undefined {
  const literal = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const groups = isIPv4(literal) ? ipv6Groups(`::ffff:${literal}`) : ipv6Groups(literal);
  if (groups === undefined || groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** The eight 16-bit groups of an IPv6 address (any zone id ignored); undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const plain = address.replace(/%.*$/, '');
  if (!isIPv6(plain)) return undefined;
  let text = plain.toLowerCase();
  // An IPv4 tail (`::ffff:1.2.3.4`) is the last two groups.
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail !== null) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const [head, rest] = text.split('::') as [string, string | undefined];
  if (rest === undefined) return parse(head);
  const before = parse(head);
  const after = parse(rest);
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/** The dotted IPv4 address of an IPv4-mapped IPv6 address (::ffff:0:0/96), else undefined. */
function mappedIPv4(groups: readonly number[]): string | undefined {
  if (!groups.slice(0, 5).every((g) => g === 0) || groups[5] !== 0xffff) return undefined;
  const [g6, g7] = [groups[6]!, groups[7]!];
  return `${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`;
}
