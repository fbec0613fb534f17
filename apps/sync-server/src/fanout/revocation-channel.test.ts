import type { Revocation } from '@tandem/persistence';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createRevocationChannel, type RevocationChannel } from './revocation-channel.js';

const MACHINE_REDIS = process.env.TANDEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('revocation channel: messages from a foreign publisher', () => {
  const channels: RevocationChannel[] = [];
  afterEach(async () => {
    for (const c of channels.splice(0)) await c.close();
  });

  it('a JSON `null` (or any non-object) on the channel is dropped, and the next revocation is still heard', async () => {
    const prefix = `tandem:revtest${process.pid}${Date.now()}`;
    const heard: Revocation[] = [];
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    const channel = createRevocationChannel({
      url: MACHINE_REDIS,
      prefix,
      logger: pino({ level: 'silent' }),
      onRevocation: (r) => heard.push(r),
      onReconnect: () => {},
    });
    channels.push(channel);
    expect(await channel.ready(2_000)).toBe(true);
    const publisher = new Redis(MACHINE_REDIS);
    try {
      for (const garbage of ['null', '"text"', '[]', '{"from":null}']) await publisher.publish(`${prefix}:revocations`, garbage);
      const revocation = { kind: 'user', value: 'mallory', until: null, createdAt: Date.now(), reason: 'compromised' };
      await publisher.publish(`${prefix}:revocations`, JSON.stringify({ from: 'cli', revocation }));
      const deadline = Date.now() + 2_000;
      while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      publisher.disconnect();
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
    expect(heard.map((r) => r.value)).toEqual(['mallory']);
  });
});
