import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { lockOutput } from '../src/executor/output-lock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dib-locks-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('refuses a second build of an output while the first holds it, and frees it on release', () => {
  const release = lockOutput('/out/web', dir);
  expect(() => lockOutput('/out/web', dir)).toThrow(
    expect.objectContaining({ code: 'DIB_E_OUTPUT_BUSY', message: `another build (pid ${process.pid}) is writing /out/web.*` }),
  );
  expect(() => lockOutput('/out/db', dir)()).not.toThrow();
  release();
  expect(readdirSync(dir)).toEqual([]);
  lockOutput('/out/web', dir)();
});

it('takes over the lock of a build that is gone', () => {
  const release = lockOutput('/out/web', dir);
  const [lock] = readdirSync(dir);
  writeFileSync(path.join(dir, lock!), JSON.stringify({ pid: 2 ** 30, output: '/out/web' }));
  expect(() => lockOutput('/out/web', dir)).not.toThrow();
  release();
});
