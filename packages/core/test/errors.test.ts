import { describe, expect, it } from 'vitest';
import { DibError, ERRORS, isDibError } from '@dib/core';

describe('DibError', () => {
  it('format() shows code and title, the message (indented), where, and the hint', () => {
    const err = new DibError('DIB_E_HOOK_FAILED', 'install.d/50-foo exited 1\nsecond line', {
      location: { element: 'foo', phase: 'install', script: '50-foo' },
    });
    expect(err.format()).toBe(
      [
        'DIB_E_HOOK_FAILED: A hook script failed',
        '  install.d/50-foo exited 1',
        '  second line',
        '  at: element foo, phase install, script 50-foo',
        `  hint: ${ERRORS.DIB_E_HOOK_FAILED.hint}`,
      ].join('\n'),
    );
  });

  it('a specific hint replaces the catalogue hint; no location means no "at:" line', () => {
    const err = new DibError('DIB_E_ARGUMENT', 'bad flag', { hint: 'Try --help.' });
    expect(err.format()).toBe('DIB_E_ARGUMENT: Invalid command-line argument\n  bad flag\n  hint: Try --help.');
  });

  it("only DIB_E_ELEMENT_LOAD_FAILED prints the cause's stack", () => {
    const cause = new Error('inner');
    expect(new DibError('DIB_E_ELEMENT_LOAD_FAILED', 'x', { cause }).format()).toContain('cause: Error: inner');
    expect(new DibError('DIB_E_CONFIG_INVALID', 'x', { cause }).format()).not.toContain('cause:');
  });

  it('toJSON() carries code, title, message, location and hint', () => {
    const err = new DibError('DIB_E_ENV_INVALID', 'X="1": bad', { location: { key: 'X' } });
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      code: 'DIB_E_ENV_INVALID',
      title: 'Invalid environment variable',
      message: 'X="1": bad',
      location: { key: 'X' },
      hint: ERRORS.DIB_E_ENV_INVALID.hint,
    });
  });

  it('isDibError tells DibErrors from other errors', () => {
    expect(isDibError(new DibError('DIB_E_NO_ELEMENTS', 'none'))).toBe(true);
    expect(isDibError(new Error('plain'))).toBe(false);
    expect(isDibError('DIB_E_NO_ELEMENTS')).toBe(false);
  });

  it('every catalogue code is DIB_E_* with a title and a hint', () => {
    for (const [code, { title, hint }] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^DIB_E_[A-Z_]+$/);
      expect(title.length).toBeGreaterThan(0);
      expect(hint.length).toBeGreaterThan(0);
    }
  });
});
