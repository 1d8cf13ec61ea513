import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { checkSeal, seal, sweepPartials } from '../src/cache/seal.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dib-seal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('tells a cached file that still matches its digest from one damaged in place, cut short, or never sealed', async () => {
  const file = path.join(dir, 'tree.tar');
  writeFileSync(file, 'the tree');
  expect(await checkSeal(file)).toBe('unsealed');
  await seal(file);
  expect(await checkSeal(file)).toBe('sound');
  writeFileSync(file, 'the TREE');
  expect(await checkSeal(file)).toBe('damaged');
  writeFileSync(file, 'the tree');
  truncateSync(file, 3);
  expect(await checkSeal(file)).toBe('damaged');
});

it('seals a file under the name it will be renamed to', async () => {
  const partial = path.join(dir, `tree.tar.partial-${process.pid}`);
  writeFileSync(partial, 'the tree');
  await seal(partial, path.join(dir, 'tree.tar'));
  expect(readdirSync(dir).sort()).toEqual([`tree.tar.partial-${process.pid}`, 'tree.tar.sha256']);
});

it('sweeps the partial files of builds that are gone, not those of running ones', () => {
  writeFileSync(path.join(dir, `tree.tar.partial-${2 ** 30}`), '');
  writeFileSync(path.join(dir, `tree.tar.partial-${process.pid}`), '');
  writeFileSync(path.join(dir, 'tree.tar'), '');
  expect(sweepPartials(dir)).toEqual([`tree.tar.partial-${2 ** 30}`]);
  expect(readdirSync(dir).sort()).toEqual(['tree.tar', `tree.tar.partial-${process.pid}`]);
});
