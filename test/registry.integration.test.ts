/**
 * dib as users meet it through npm: every package published to a registry on loopback
 * with the release flow (lerna publish from-package), then used from an empty
 * directory that knows nothing but that registry: `npx @dib/cli create --dry-run`, a
 * third-party element installed with npm and run in a real build, a second release of
 * one element picked up alone, and packages that are not valid elements refused.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTar, readTarFile } from '@dib/testing';
import { EVERYDAY_ELEMENTS, EVERYDAY_ELEMENTS_ELSEWHERE } from './everyday/elements.js';
import { isRoot, NO_INITRAMFS, OUT, REPO } from './helpers.js';
import { publishWorkspace, startRegistry, type LocalRegistry } from './registry.js';

const FIXTURES = path.join(REPO, 'test/fixtures/registry');
let registry: LocalRegistry;

const npm = (args: string[], cwd: string) => execa('npm', args, { cwd, env: registry.env, reject: false, stdin: 'ignore' });
const npx = (args: string[], cwd: string, extra: Record<string, string> = {}) =>
  execa('npx', ['--yes', ...args], { cwd, env: { ...registry.env, CI: '1', ...extra }, reject: false, stdin: 'ignore' });
const emptyDir = (name: string) => mkdtempSync(path.join(os.tmpdir(), `dib-user-${name}-`));
/** A user's project: package.json and the given packages installed from the registry. */
async function project(name: string, packages: string[], flags: string[] = []) {
  const dir = emptyDir(name);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `user-${name}`, private: true, type: 'module' }));
  const r = await npm(['install', '--no-package-lock', ...flags, ...packages], dir);
  expect(r.exitCode, r.stderr).toBe(0);
  return dir;
}
/** Publishes a copy of a package directory, with package.json fields changed (a new version, another name). */
async function publishCopy(source: string, changes: Record<string, string> = {}) {
  const dir = path.join(emptyDir('publish'), path.basename(source));
  cpSync(source, dir, { recursive: true });
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, ...changes }, null, 2));
  const r = await npm(['publish', '--ignore-scripts'], dir);
  expect(r.exitCode, r.stderr).toBe(0);
}

describe.runIf(isRoot)('published to a registry', () => {
  beforeAll(async () => {
    registry = await startRegistry();
    await publishWorkspace(registry);
    for (const fixture of ['dib-element-hello', 'dib-element-notone', 'dib-element-oldpeer', 'dib-element-badmanifest'])
      await publishCopy(path.join(FIXTURES, fixture));
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('npx @dib/cli create --dry-run works from an empty directory, with versions from the registry', async () => {
    const dir = emptyDir('npx');
    const r = await npx(['@dib/cli', 'create', '--dry-run', '-o', 'x', 'debian', 'vm'], dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/debian\s+@dib\/element-debian@0\.1\.0\s+requested/);
    expect(r.stdout).toMatch(/vm\s+@dib\/element-vm@0\.1\.0\s+requested/);
    expect(r.stdout).toMatch(/block-device-mbr\s+@dib\/element-block-device-mbr@0\.1\.0\s+default block-device for vm/);
    console.log(r.stdout);
  });

  it('every everyday element package plans from an empty directory with npx @dib/cli create --dry-run', async () => {
    const dir = emptyDir('npx-everyday');
    for (const elements of [
      ['debian-minimal', 'vm', ...EVERYDAY_ELEMENTS],
      ['debian-minimal', ...EVERYDAY_ELEMENTS_ELSEWHERE],
    ]) {
      const r = await npx(['@dib/cli', 'create', '--dry-run', '-o', 'x', ...elements], dir);
      expect(r.exitCode, r.stderr).toBe(0);
      for (const name of elements) expect(r.stdout).toMatch(new RegExp(`${name}\\s+@dib/element-${name}@0\\.1\\.0\\s`));
    }
  });

  it('a third-party element installed with npm runs its hook in a real build', async () => {
    const dir = await project('hello', ['@dib/cli', 'dib-element-hello']);
    const info = await npx(['dib', 'element-info', 'hello'], dir);
    expect(info.stdout).toContain('from dib-element-hello@1.0.0');
    const output = path.join(OUT, 'registry-hello');
    const r = await npx(['dib', 'create', '-o', output, '-t', 'tar', 'debian-minimal', 'hello'], dir, {
      DIB_HELLO_GREETING: 'hi from the registry',
      ...NO_INITRAMFS,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await listTar(`${output}.tar`)).toContain('./etc/hello');
    expect((await readTarFile(`${output}.tar`, 'etc/hello')).trim()).toBe('hi from the registry');
  });

  it('a new release of one element is picked up while the others stay', async () => {
    await publishCopy(path.join(REPO, 'elements/debian'), { version: '0.1.1' });
    const dir = await project('upgrade', ['@dib/cli']);
    const r = await npx(['dib', 'create', '--dry-run', '-o', 'x', 'debian'], dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/@dib\/element-debian@0\.1\.1/);
    expect(r.stdout).toMatch(/@dib\/element-debian-minimal@0\.1\.0/);
  });

  it('dib init in a project repo: config file, devDependencies, then builds by image name', async () => {
    const dir = await project('init', ['@dib/cli']);
    const init = await npx(['dib', 'init', '--yaml', '--name', 'web', 'debian', 'vm'], dir);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'dib.config.yaml'))).toBe(true);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(['@dib/cli', '@dib/element-debian', '@dib/element-vm']));
    expect((await npm(['install', '--no-package-lock'], dir)).exitCode).toBe(0);
    const plan = await npx(['dib', 'create', '--dry-run', 'web'], dir);
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Image web: amd64, output qcow2');
  });

  it('dib new-element scaffolds a third-party element whose own test passes', async () => {
    const dir = await project('scaffold', ['@dib/cli']);
    const created = await npx(['dib', 'new-element', 'greeter'], dir);
    expect(created.exitCode, created.stderr).toBe(0);
    const element = path.join(dir, 'dib-element-greeter');
    const install = await npm(['install', '--no-package-lock'], element);
    expect(install.exitCode, install.stderr).toBe(0);
    const test = await npm(['test'], element);
    expect(test.exitCode, `${test.stdout}\n${test.stderr}`).toBe(0);
    expect(test.stdout).toMatch(/1 passed/);
  });

  it('an element that is not installed says which npm install to run', async () => {
    const dir = await project('missing', ['@dib/cli']);
    const r = await npx(['dib', 'create', '--dry-run', 'debian', 'nginx-server'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_ELEMENT_NOT_FOUND');
    expect(r.stderr).toContain('npm install -D @dib/element-nginx-server');
  });

  it('packages that are not valid elements are refused with the package named', async () => {
    // npm itself refuses the peer range of oldpeer; a user can force it, and dib must still say no.
    const dir = await project('bad', ['@dib/cli', 'dib-element-notone', 'dib-element-oldpeer', 'dib-element-badmanifest'], ['--legacy-peer-deps']);
    const notOne = await npx(['dib', 'create', '--dry-run', 'debian', 'notone'], dir);
    expect(notOne.stderr).toContain('DIB_E_NOT_AN_ELEMENT');
    expect(notOne.stderr).toContain('dib-element-notone@1.0.0');
    const oldPeer = await npx(['dib', 'create', '--dry-run', 'debian', 'oldpeer'], dir);
    expect(oldPeer.stderr).toContain('DIB_E_PEER_MISMATCH');
    expect(oldPeer.stderr).toMatch(/needs @dib\/core \^9\.0\.0, but this is @dib\/core 0\.1\.0/);
    const bad = await npx(['dib', 'create', '--dry-run', 'debian', 'badmanifest'], dir);
    expect(bad.stderr).toContain('DIB_E_MANIFEST_INVALID');
    expect(bad.stderr).toContain('dib-element-badmanifest@1.0.0: dependencies');
  });

  it('two packages providing the same element name are refused, naming both', async () => {
    await publishCopy(path.join(FIXTURES, 'dib-element-hello'), { name: '@acme/dib-element-hello' });
    const dir = await project('twice', ['@dib/cli', 'dib-element-hello', '@acme/dib-element-hello']);
    const r = await npx(['dib', 'create', '--dry-run', 'debian', 'hello', '@acme/hello'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_ELEMENT_CONFLICT');
    expect(r.stderr).toContain('two packages provide element "hello": dib-element-hello@1.0.0 and @acme/dib-element-hello@1.0.0');
  });
});
