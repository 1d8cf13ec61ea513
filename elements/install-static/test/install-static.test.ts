/** install.d/10-install-static against a scratch root, with a hook tree's merged static/ directory. */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { planBuild } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const INSTALL = path.join(ELEMENT, 'install.d/10-install-static');

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const scratch = (what: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), `dib-install-static-${what}-`));
  dirs.push(d);
  return d;
};
function write(root: string, rel: string, body: string, mode = 0o644) {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), body);
  chmodSync(path.join(root, rel), mode);
}
const install = (hooks: string, root: string) =>
  execa(INSTALL, [], { env: { PATH: '/usr/bin:/bin', TMP_HOOKS_PATH: hooks, INSTALL_STATIC_ROOT: root }, extendEnv: false, reject: false });

it('copies static/ into the image: contents, modes and links kept', async () => {
  const hooks = scratch('hooks');
  write(hooks, 'static/usr/local/sbin/growroot', '#!/bin/bash\n', 0o755);
  write(hooks, 'static/etc/motd', 'hello\n');
  symlinkSync('growroot', path.join(hooks, 'static/usr/local/sbin/grow'));
  const root = scratch('root');
  const r = await install(hooks, root);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(statSync(path.join(root, 'usr/local/sbin/growroot')).mode & 0o777).toBe(0o755);
  expect(readFileSync(path.join(root, 'etc/motd'), 'utf8')).toBe('hello\n');
  expect(statSync(path.join(root, 'etc/motd')).mode & 0o777).toBe(0o644);
  expect(readlinkSync(path.join(root, 'usr/local/sbin/grow'))).toBe('growroot');
  expect(r.stdout).toContain('install-static: 3 file(s) from static/ installed');
  if (process.getuid?.() === 0) expect(statSync(path.join(root, 'usr/local/sbin/growroot')).uid).toBe(0);
});

it("keeps the modes of the image's directories and follows its directory links (merged /usr)", async () => {
  const hooks = scratch('hooks');
  write(hooks, 'static/lib/udev/rules.d/99-x.rules', 'rule\n');
  chmodSync(path.join(hooks, 'static/lib'), 0o777);
  const root = scratch('root');
  mkdirSync(path.join(root, 'usr/lib'), { recursive: true, mode: 0o755 });
  chmodSync(path.join(root, 'usr/lib'), 0o755);
  symlinkSync('usr/lib', path.join(root, 'lib'));
  const r = await install(hooks, root);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(lstatSync(path.join(root, 'lib')).isSymbolicLink()).toBe(true);
  expect(readFileSync(path.join(root, 'usr/lib/udev/rules.d/99-x.rules'), 'utf8')).toBe('rule\n');
  expect(statSync(path.join(root, 'usr/lib')).mode & 0o777).toBe(0o755);
});

it('leaves out version-control directories and editor backups', async () => {
  const hooks = scratch('hooks');
  write(hooks, 'static/etc/app.conf', 'x\n');
  write(hooks, 'static/etc/app.conf~', 'old\n');
  write(hooks, 'static/etc/.git/config', 'git\n');
  const root = scratch('root');
  const r = await install(hooks, root);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(existsSync(path.join(root, 'etc/app.conf'))).toBe(true);
  expect(existsSync(path.join(root, 'etc/app.conf~'))).toBe(false);
  expect(existsSync(path.join(root, 'etc/.git'))).toBe(false);
});

it('does nothing when no element has a static/ directory', async () => {
  const root = scratch('root');
  const r = await install(scratch('hooks'), root);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout).toBe('install-static: no element has a static/ directory');
});

it('fails the build when the copy fails', async () => {
  const hooks = scratch('hooks');
  write(hooks, 'static/etc/motd', 'hello\n');
  const r = await install(hooks, path.join(scratch('root'), 'missing'));
  expect(r.exitCode).not.toBe(0);
});

it("runs after the install phase's packages, with tar among them", async () => {
  const plan = await planBuild(['install-static', 'debian'], { searchRoots: [REPO] });
  const names = plan.hooks.phases.install.map((h) => h.name);
  expect(names.indexOf('01-package-installs')).toBeLessThan(names.indexOf('10-install-static'));
  expect(plan.elements.map((e) => e.name)).toContain('package-installs');
  expect(plan.elements.find((e) => e.name === 'install-static')?.manifest.packages).toHaveProperty('tar');
});
