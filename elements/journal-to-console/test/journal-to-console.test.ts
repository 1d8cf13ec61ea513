/** post-install.d/30-journal-to-console against a scratch root standing in for the image. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { planBuild } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const SCRIPT = path.join(ELEMENT, 'post-install.d/30-journal-to-console');

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dib-journal-root-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const run = () => execa('bash', [SCRIPT], { env: { PATH: process.env.PATH, JOURNAL_TO_CONSOLE_ROOT: root }, extendEnv: false, reject: false });

/** The drop-in as journald reads it: section headers and key=value lines, comments left out. */
const settings = (text: string) => text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));

it('writes a journald drop-in that forwards to the console', async () => {
  const r = await run();
  expect(r.exitCode, r.stderr).toBe(0);
  const text = readFileSync(path.join(root, 'etc/systemd/journald.conf.d/log-to-console.conf'), 'utf8');
  expect(settings(text)).toEqual(['[Journal]', 'ForwardToConsole=true']);
  expect(r.stdout).toContain('journal-to-console: /etc/systemd/journald.conf.d/log-to-console.conf written');
});

it('leaves the same single drop-in when run again', async () => {
  await run();
  const r = await run();
  expect(r.exitCode, r.stderr).toBe(0);
  const text = readFileSync(path.join(root, 'etc/systemd/journald.conf.d/log-to-console.conf'), 'utf8');
  expect(settings(text)).toEqual(['[Journal]', 'ForwardToConsole=true']);
});

it('runs in post-install', async () => {
  const plan = await planBuild(['journal-to-console', 'debian'], { searchRoots: [REPO] });
  expect(plan.hooks.phases['post-install'].map((h) => h.name)).toContain('30-journal-to-console');
});
