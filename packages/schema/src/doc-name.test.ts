import { describe, expect, it } from 'vitest';
import { docNameProblem, suggestDocName } from './doc-name.js';

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

  it.each([
    ['lone high surrogate', 'notes-\uD800'],
    ['lone low surrogate', '\uDC00notes'],
    ['reversed pair', 'a\uDC00\uD800b'],
  ])('refuses a name with a %s: no store keeps it as written, and no URL can carry it', (_what, name) => {
    expect(docNameProblem(name)).toBe('is not well-formed Unicode (a lone surrogate)');
    expect(() => encodeURIComponent(name)).toThrow(URIError);
  });

  it('refuses a name not in NFC, so one name maps to one document', () => {
    const decomposed = 'Cafe\u0301';
    expect(decomposed.normalize('NFC')).toBe('Café');
    expect(docNameProblem(decomposed)).toMatch(/NFC/);
    expect(docNameProblem('Café')).toBeUndefined();
  });

  it.each([
    ['/', 'starts or ends with "/"'],
    ['a/../b', 'contains a ".." segment'],
    ['foo/./bar', 'contains a "." segment'],
    [' leading', 'starts or ends with whitespace'],
    ['back\\slash', 'contains a backslash'],
    ['x'.repeat(201), 'is longer than 200 characters'],
  ])('refuses %j: it %s', (name, reason) => {
    expect(docNameProblem(name)).toBe(reason);
  });
});

describe('suggestDocName', () => {
  it.each([
    ['a/../b', 'a/b'],
    ['foo/./bar', 'foo/bar'],
    [' leading', 'leading'],
    ['back\\slash', 'back/slash'],
    ['team//notes/', 'team/notes'],
    ['pay\u200Broll', 'payroll'],
    ['Cafe\u0301', 'Café'],
    ['x'.repeat(201), 'x'.repeat(200)],
    ['notes-\uD800', 'notes-'],
    ['x'.repeat(199) + '🎉', 'x'.repeat(199)],
  ])('suggests a valid name for %j: %j', (name, suggestion) => {
    expect(suggestDocName(name)).toBe(suggestion);
    expect(docNameProblem(suggestion)).toBeUndefined();
  });

  it.each(['/', '..', ' ', 'notes'])('suggests nothing for %j (nothing is left, or it is valid)', (name) => {
    expect(suggestDocName(name)).toBeUndefined();
  });
});
