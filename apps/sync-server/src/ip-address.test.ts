import { describe, expect, it } from 'vitest';
import { addressKey, isLoopbackAddress } from './ip-address.js';

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
