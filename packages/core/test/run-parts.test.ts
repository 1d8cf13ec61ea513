import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RUNNABLE_NAME, compareRunParts, sortRunParts } from '@dib/core';

/** What DIB's dib-run-parts does: `LC_ALL=C sort -n` over the names. */
const cSortN = (names: readonly string[]): string[] =>
  execFileSync('sort', ['-n'], { input: `${names.join('\n')}\n`, env: { ...process.env, LC_ALL: 'C' }, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

const BRIEF = ['10-b', '2-a', '10-a', 'foo', '01-x', '100-z', 'Z', '_a'];

describe('run-parts order (LC_ALL=C sort -n)', () => {
  it('sorts by leading number (none counts as 0), then byte by byte', () => {
    expect(sortRunParts(BRIEF, (n) => n)).toEqual(['Z', '_a', 'foo', '01-x', '2-a', '10-a', '10-b', '100-z']);
  });

  it('matches `LC_ALL=C sort -n` on the same names', () => {
    expect(sortRunParts(BRIEF, (n) => n)).toEqual(cSortN(BRIEF));
  });

  it('matches `LC_ALL=C sort -n` on leading zeros, equal numbers, negatives and upper/lower case', () => {
    const names = [
      '1-x',
      '01-x',
      '001-x',
      '0-a',
      'a',
      '-5-neg',
      '-a',
      '9',
      '09',
      '90-z',
      '10',
      'A_b',
      'a-b',
      '5',
      '5a',
      '5-a',
      '5_a',
      '00',
      '0',
      'B',
      'b',
      '_',
      '-',
    ];
    const shuffled = [...names].reverse();
    expect(sortRunParts(shuffled, (n) => n)).toEqual(cSortN(shuffled));
    expect(sortRunParts(names, (n) => n)).toEqual(cSortN(names));
  });

  it('compares bytes, not locale order: upper case before "_" before lower case', () => {
    expect(compareRunParts('Z', '_a')).toBeLessThan(0);
    expect(compareRunParts('_a', 'a')).toBeLessThan(0);
    expect(compareRunParts('10-B', '10-a')).toBeLessThan(0);
  });

  it('compares numbers as numbers: 2 before 10, 01 equal in rank to 1 (ties broken bytewise)', () => {
    expect(compareRunParts('2-a', '10-a')).toBeLessThan(0);
    expect(compareRunParts('100-z', '99-z')).toBeGreaterThan(0);
    expect(compareRunParts('01-x', '1-x')).toBeLessThan(0);
    expect(compareRunParts('10-a', '10-a')).toBe(0);
  });

  it('sortRunParts sorts items by the name given and leaves its input untouched', () => {
    const items = [{ n: '20-b' }, { n: '3-a' }];
    const sorted = sortRunParts(items, (i) => i.n);
    expect(sorted.map((i) => i.n)).toEqual(['3-a', '20-b']);
    expect(items.map((i) => i.n)).toEqual(['20-b', '3-a']);
  });

  it('runnable names are letters, digits, "_" and "-" only', () => {
    for (const ok of ['10-foo', 'foo_bar', 'ABC', '-5']) expect(RUNNABLE_NAME.test(ok)).toBe(true);
    for (const bad of ['10-foo.sh', 'foo~', '.hidden', 'a b', '']) expect(RUNNABLE_NAME.test(bad)).toBe(false);
  });
});
