import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from './node-flags.js';

const read = (relative: string) => readFileSync(new URL(relative, import.meta.url), 'utf8');

describe('the Node flags the server ships with', () => {
  it('are the ones in the tandem bin’s shebang', () => {
    const shebang = read('./main.ts').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
  });

  it('are the ones `npm start` runs the server with', () => {
    const { scripts } = JSON.parse(read('../../../package.json')) as { scripts: Record<string, string> };
    expect(scripts.start).toContain(`node ${NODE_FLAGS.join(' ')} apps/sync-server/dist/main.js`);
  });

  it('are accepted by this Node and take effect', () => {
    // With the young generation capped, allocating far more than it holds leaves new space small.
    const probe = `const keep = []; for (let i = 0; i < 3e5; i++) keep.push({ i });
      const s = require('v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
      process.stdout.write(String(s.space_size));`;
    const capped = spawnSync(process.execPath, [...NODE_FLAGS, '-e', probe], { encoding: 'utf8' });
    const stock = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    expect(capped.status, capped.stderr).toBe(0);
    expect(Number(capped.stdout)).toBeLessThan(Number(stock.stdout));
  });
});
