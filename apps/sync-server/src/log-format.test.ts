import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatLogLine } from './log-format.js';
import { createLogger, resolveLogFormat } from './logger.js';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(chunk.toString()), done()) });
  return { lines, destination: { write: (s: string) => sink.write(s) } };
}

describe('log format', () => {
  it('is readable on a terminal and JSON anywhere else, unless told', () => {
    expect(resolveLogFormat('auto', true)).toEqual({ kind: 'pretty', color: true });
    expect(resolveLogFormat('auto', false)).toEqual({ kind: 'json' });
    expect(resolveLogFormat('json', true)).toEqual({ kind: 'json' });
    expect(resolveLogFormat('pretty', false)).toEqual({ kind: 'pretty', color: false });
  });

  it('writes time, level, message and the fields on one line, secrets still redacted', () => {
    const { lines, destination } = capture();
    const logger = createLogger('info', destination, { kind: 'pretty', color: false });
    logger.warn({ event: 'disk-low', freeBytes: 1024, path: '/data dir', url: 'ws://x/ws/doc?token=abc.def.ghi' }, 'disk space is low');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d WARN  disk space is low {2}freeBytes=1024 path="\/data dir" url="ws:\/\/x\/ws\/doc\?token=\[redacted\]"\n$/);
  });

  it('keeps JSON lines as they were', () => {
    const { lines, destination } = capture();
    createLogger('info', destination).info({ event: 'x', n: 1 }, 'hello');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, event: 'x', n: 1, msg: 'hello' });
  });

  it('shows an error with its stack, indented, and leaves a line that is not JSON alone', () => {
    const line = JSON.stringify({ level: 50, time: '2026-12-02T10:00:00.000Z', msg: 'failed', err: { message: 'boom', stack: 'Error: boom\n    at f (a.js:1)' } });
    expect(formatLogLine(line, { color: false })).toBe('10:00:00 ERROR failed\n    Error: boom\n        at f (a.js:1)\n');
    expect(formatLogLine('not json\n', { color: false })).toBe('not json\n');
  });
});
