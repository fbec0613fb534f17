import { describe, expect, it } from 'vitest';
import { downloadFileName } from './download-name.js';

describe('the file name of a download', () => {
  // The server's `filename` is ASCII (a name in Japanese or Greek, put there raw, made every export a 500),
  // so the exact name comes from `filename*`.
  it('takes the exact name from filename*, the ASCII one when there is none or it is malformed', () => {
    expect(downloadFileName(`attachment; filename="___-v1.md"; filename*=UTF-8''${encodeURIComponent('議事録-v1.md')}`)).toBe('議事録-v1.md');
    expect(downloadFileName('attachment; filename="notes-v1.md"')).toBe('notes-v1.md');
    expect(downloadFileName(`attachment; filename="x-v1.md"; filename*=UTF-8''%E0%A4`)).toBe('x-v1.md');
    expect(downloadFileName('')).toBeUndefined();
  });
});
