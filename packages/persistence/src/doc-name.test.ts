import { describe, expect, it } from 'vitest';
import { docNameProblem } from './doc-name.js';

describe('docNameProblem', () => {
  it.each(['notes', 'team/meeting-notes', 'Café', '日本語/メモ', 'a b', 'emoji 🎉'])('accepts %j', (name) => {
    expect(docNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['zero-width space', 'pay\u200Broll'],
    ['zero-width joiner', 'pay\u200Droll'],
    ['byte order mark', '\uFEFFpayroll'],
    ['right-to-left override', 'invoice\u202Etxt.exe'],
    ['right-to-left isolate', 'a\u2067b'],
    ['left-to-right mark', 'a\u200Eb'],
    ['soft hyphen', 'pay\u00ADroll'],
  ])('refuses a name with a %s (Unicode format character)', (_what, name) => {
    expect(docNameProblem(name)).toMatch(/invisible formatting character/);
  });

  it('refuses a name not in NFC, so one name maps to one document', () => {
    const decomposed = 'Cafe\u0301';
    expect(decomposed.normalize('NFC')).toBe('Café');
    expect(docNameProblem(decomposed)).toMatch(/NFC/);
    expect(docNameProblem('Café')).toBeUndefined();
  });
});
