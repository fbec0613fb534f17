import { describe, expect, it } from 'vitest';
import { clientAddress } from './http/request-address.js';
import { addressKey, inRange, isLoopbackAddress, parseAddressRange } from './ip-address.js';

describe('addressKey', () => {
  it('keys an IPv6 address by its /64, however it is written', () => {
    const key = addressKey('2001:db8:1:2::1');
    expect(key).toBe('2001:db8:1:2::/64');
    for (const same of ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0DB8:0001:0002:0:0:0:9', '2001:db8:1:2::1%eth0', '2001:db8:1:2:a:b:1.2.3.4']) {
      expect(addressKey(same), same).toBe(key);
    }
    expect(addressKey('2001:db8:1:3::1')).not.toBe(key);
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1')).toBe('fe80:0:0:0::/64');
  });

  it('keys an IPv4 address as itself, also when it arrives IPv4-mapped on a dual-stack socket', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::FFFF:c000:0207')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.8')).not.toBe(addressKey('::ffff:192.0.2.7'));
  });

  it('keeps what is not an address as it is', () => {
    expect(addressKey('unknown')).toBe('unknown');
    expect(addressKey('')).toBe('');
  });
});

describe('isLoopbackAddress', () => {
  it('knows all of 127.0.0.0/8 and ::1, in any spelling, bracketed or not', () => {
    for (const yes of ['127.0.0.1', '127.1.2.3', '127.255.255.255', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.2', '[::ffff:7f00:1]']) {
      expect(isLoopbackAddress(yes), yes).toBe(true);
    }
    for (const no of ['128.0.0.1', '10.0.0.1', '0.0.0.0', '::', '::2', '::ffff:10.0.0.1', '2001:db8::1', 'localhost', '127.1', 'evil.example', '']) {
      expect(isLoopbackAddress(no), no).toBe(false);
    }
  });
});

describe('address ranges (TRUST_PROXY)', () => {
  it('matches IPv4 and IPv6 CIDRs and bare addresses, IPv4-mapped included', () => {
    const lan = parseAddressRange('10.0.0.0/8')!;
    expect(inRange('10.200.3.4', lan)).toBe(true);
    expect(inRange('::ffff:10.1.2.3', lan)).toBe(true);
    expect(inRange('11.0.0.1', lan)).toBe(false);
    const one = parseAddressRange('192.0.2.7')!;
    expect(inRange('192.0.2.7', one)).toBe(true);
    expect(inRange('192.0.2.8', one)).toBe(false);
    const v6 = parseAddressRange('2001:db8::/32')!;
    expect(inRange('2001:db8:ffff::1', v6)).toBe(true);
    expect(inRange('2001:db9::1', v6)).toBe(false);
    expect(inRange('10.0.0.1', v6)).toBe(false);
    expect(inRange('not an address', lan)).toBe(false);
  });

  it('refuses what is not an address or CIDR', () => {
    for (const bad of ['', 'proxy.local', '10.0.0.0/33', '::1/129', '10.0.0.0/8/1', '10.0.0.0/x', '300.1.1.1']) {
      expect(parseAddressRange(bad), bad).toBeUndefined();
    }
  });
});

describe('clientAddress (X-Forwarded-For from trusted proxies)', () => {
  const trusted = ['127.0.0.2', '10.0.0.0/8'].map((r) => parseAddressRange(r)!);

  it('takes the first untrusted hop from the right', () => {
    expect(clientAddress('127.0.0.2', '198.51.100.4', trusted)).toBe('198.51.100.4');
    expect(clientAddress('127.0.0.2', '203.0.113.9, 198.51.100.4, 10.1.1.1', trusted)).toBe('198.51.100.4');
  });

  it('ignores the header from an untrusted socket, and a missing header is the socket', () => {
    expect(clientAddress('198.51.100.4', '203.0.113.9', trusted)).toBe('198.51.100.4');
    expect(clientAddress('127.0.0.2', undefined, trusted)).toBe('127.0.0.2');
    expect(clientAddress('127.0.0.2', '203.0.113.9', [])).toBe('127.0.0.2');
  });

  it('gives the leftmost hop when every hop is a trusted proxy', () => {
    expect(clientAddress('127.0.0.2', '10.9.9.9, 10.1.1.1', trusted)).toBe('10.9.9.9');
  });
});
