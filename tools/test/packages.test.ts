import { execa } from 'execa';
import { expect, it } from 'vitest';

it('every package packs with its entry points, types, bins, imports and executable hook scripts', async () => {
  const r = await execa('node', ['tools/check-packages.mjs'], { reject: false, cwd: new URL('../..', import.meta.url).pathname });
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/\d+ packages ok/);
}, 120_000);
