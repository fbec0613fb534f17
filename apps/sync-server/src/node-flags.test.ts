// The Node flags the server ships with, in every place that starts it: one list (node-flags.ts), and
// each launcher runs exactly it. A launcher that drifts would ship a server whose memory the README's
// figures do not describe.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from './node-flags.js';

const read = (relative: string) => readFileSync(new URL(relative, import.meta.url), 'utf8');
const flags = NODE_FLAGS.join(' ');

describe('the Node flags the server ships with', () => {
  it('are in the tandem bin’s shebang', () => {
    expect(read('./main.ts').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags}`);
  });

  it('are what `npm start` runs the server with', () => {
    const { scripts } = JSON.parse(read('../../../package.json')) as { scripts: Record<string, string> };
    expect(scripts.start).toMatch(new RegExp(`&& node ${flags} apps/sync-server/dist/main\\.js$`));
  });

  it('are in the image’s ENTRYPOINT and the systemd unit’s ExecStart', () => {
    const entrypoint = /^ENTRYPOINT (\[.+\])$/m.exec(read('../../../Dockerfile'))?.[1];
    expect(JSON.parse(entrypoint ?? '[]')).toEqual(['/usr/bin/tini', '--', 'node', ...NODE_FLAGS, '/app/apps/sync-server/dist/main.js']);
    expect(read('../../../deploy/tandem.service')).toMatch(new RegExp(`^ExecStart=/usr/bin/node ${flags} /opt/tandem/apps/sync-server/dist/main\\.js `, 'm'));
  });

  it('are accepted by this Node and cap the young generation', () => {
    // Objects that survive scavenges grow V8's new space to its cap: 32 MiB by default, 16 with the flag.
    const probe = `const keep = []; for (let i = 0; i < 2e6; i++) keep.push({ i, s: 'x' + i });
      const s = require('v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
      process.stdout.write(String(s.space_size));`;
    const capped = spawnSync(process.execPath, [...NODE_FLAGS, '-e', probe], { encoding: 'utf8' });
    const stock = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    expect(capped.status, capped.stderr).toBe(0);
    expect(Number(capped.stdout)).toBeGreaterThan(0);
    expect(Number(capped.stdout)).toBeLessThan(Number(stock.stdout));
  });
});
