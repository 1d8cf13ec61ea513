/** pre-install.d/11-selinux-permissive against a scratch root standing in for the image. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { planBuild } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const SCRIPT = path.join(ELEMENT, 'pre-install.d/11-selinux-permissive');

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dib-selinux-root-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const config = () => path.join(root, 'etc/selinux/config');
async function run(env: Record<string, string> = {}) {
  const r = await execa('bash', [SCRIPT], { env: { PATH: process.env.PATH, SELINUX_PERMISSIVE_ROOT: root, ...env }, extendEnv: false, reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  return { r, text: readFileSync(config(), 'utf8') };
}

it.each([
  ['fedora', 'targeted'],
  ['centos', 'targeted'],
  ['debian', 'default'],
  ['ubuntu', 'default'],
])('writes a new config for %s with the policy type its packages name (%s)', async (distro, policy) => {
  const { r, text } = await run({ DISTRO_NAME: distro });
  expect(text).toBe(`SELINUX=permissive\nSELINUXTYPE=${policy}\n`);
  expect(r.stdout).toContain('selinux-permissive: /etc/selinux/config has SELINUX=permissive');
});

it("changes the mode of the distribution's config and keeps its policy type and comments", async () => {
  mkdirSync(path.dirname(config()), { recursive: true });
  writeFileSync(config(), '# SELINUX= can take one of these values\nSELINUX=enforcing\nSELINUXTYPE=mls\n');
  const { text } = await run({ DISTRO_NAME: 'rhel' });
  expect(text).toBe('# SELINUX= can take one of these values\nSELINUX=permissive\nSELINUXTYPE=mls\n');
});

it('adds the lines a config lacks, and gives the same file when run again', async () => {
  mkdirSync(path.dirname(config()), { recursive: true });
  writeFileSync(config(), '# empty\n');
  const first = (await run({ DISTRO_NAME: 'fedora' })).text;
  expect(first).toBe('# empty\nSELINUX=permissive\nSELINUXTYPE=targeted\n');
  expect((await run({ DISTRO_NAME: 'fedora' })).text).toBe(first);
});

it('runs in pre-install, before the packages of that phase are installed', async () => {
  const plan = await planBuild(['selinux-permissive', 'debian'], { searchRoots: [REPO] });
  const names = plan.hooks.phases['pre-install'].map((h) => h.name);
  expect(names).toContain('11-selinux-permissive');
});
