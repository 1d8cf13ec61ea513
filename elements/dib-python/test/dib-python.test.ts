/**
 * dib-python's scripts as a build runs them: the environment.d fragment sourced by bash,
 * the pre-install script with a PATH of stand-in pythons and a temporary root for the
 * link, and the cleanup script against a TARGET_ROOT.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planBuild, stubCommands, type StubCommands } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const FRAGMENT = path.join(ELEMENT, 'environment.d/50-dib-python-version');
const PRE_INSTALL = path.join(ELEMENT, 'pre-install.d/01-dib-python');
const CLEANUP = path.join(ELEMENT, 'cleanup.d/50-dib-python');
/** The only host commands the scripts see (the fragment needs none; execa finds bash here): nothing else of the host's PATH. */
const TOOLS = ['bash', 'env', 'mkdir', 'dirname', 'ln', 'rm'];

let root: string;
let tools: string;
let stubs: StubCommands | undefined;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dib-python-root-'));
  tools = mkdtempSync(path.join(os.tmpdir(), 'dib-python-tools-'));
  for (const t of TOOLS) {
    const found = ['/usr/bin', '/bin'].map((d) => path.join(d, t)).find(existsSync);
    if (!found) throw new Error(`${t} not found on this host`);
    symlinkSync(found, path.join(tools, t));
  }
});
afterEach(() => {
  stubs?.remove();
  stubs = undefined;
  for (const d of [root, tools]) rmSync(d, { recursive: true, force: true });
});

/** The fragment's exports for an environment of these variables (and nothing else). */
async function exportsFor(env: Record<string, string>) {
  const r = await execa('bash', ['-c', `set -eu; source "$1"; echo "$DIB_PYTHON_VERSION $DIB_PYTHON"`, 'fragment', FRAGMENT], {
    env: { PATH: tools, ...env },
    extendEnv: false,
  });
  return r.stdout;
}

describe('environment.d', () => {
  it.each([
    [{ DISTRO_NAME: 'debian', DIB_RELEASE: 'bookworm' }, '3 python3'],
    [{ DISTRO_NAME: 'debian', DIB_RELEASE: 'bullseye' }, '3 python3'],
    [{ DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'noble' }, '3 python3'],
    [{ DISTRO_NAME: 'fedora', DIB_RELEASE: '40' }, '3 python3'],
    [{ DISTRO_NAME: 'fedora', DIB_RELEASE: 'rawhide' }, '3 python3'],
    [{ DISTRO_NAME: 'centos', DIB_RELEASE: '9-stream' }, '3 python3'],
    [{ DISTRO_NAME: 'rhel', DIB_RELEASE: '8' }, '3 python3'],
    [{ DISTRO_NAME: 'opensuse', DIB_RELEASE: '15.5' }, '3 python3'],
    [{}, '3 python3'],
    [{ DISTRO_NAME: 'centos', DIB_RELEASE: '7' }, '2 python2'],
    [{ DISTRO_NAME: 'centos7', DIB_RELEASE: '' }, '2 python2'],
    [{ DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'trusty' }, '2 python2'],
    [{ DISTRO_NAME: 'fedora', DIB_RELEASE: '22' }, '2 python2'],
    [{ DISTRO_NAME: 'opensuse', DIB_RELEASE: '42.3' }, '2 python2'],
  ])('%o exports %s', async (env, expected) => {
    expect(await exportsFor(env)).toBe(expected);
  });

  it('keeps a version the user set, on any distro', async () => {
    expect(await exportsFor({ DISTRO_NAME: 'centos', DIB_RELEASE: '7', DIB_PYTHON_VERSION: '3' })).toBe('3 python3');
    expect(await exportsFor({ DISTRO_NAME: 'debian', DIB_RELEASE: 'bookworm', DIB_PYTHON_VERSION: '3.11' })).toBe('3.11 python3.11');
    expect(await exportsFor({ DISTRO_NAME: 'debian', DIB_RELEASE: 'bookworm', DIB_PYTHON_VERSION: '2' })).toBe('2 python2');
  });

  it('exports both variables to the commands a script runs', async () => {
    const r = await execa('bash', ['-c', 'source "$1"; env', 'fragment', FRAGMENT], {
      env: { PATH: tools, DISTRO_NAME: 'debian' },
      extendEnv: false,
    });
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining(['DIB_PYTHON_VERSION=3', 'DIB_PYTHON=python3']));
  });
});

/** A directory with an executable stand-in for each name. */
function pythons(...names: string[]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dib-python-bin-'));
  for (const n of names) writeFileSync(path.join(dir, n), '#!/bin/sh\necho "stand-in $0"\n', { mode: 0o755 });
  return dir;
}

/** Runs the pre-install script as a build would (the fragment sourced first), with only `dirs` and the basic tools on PATH. */
function preInstall(env: Record<string, string>, dirs: string[]) {
  const script = `source "$1"; exec "$2"`;
  return execa('bash', ['-c', script, 'pre-install', FRAGMENT, PRE_INSTALL], {
    env: { PATH: [...dirs, tools].join(':'), DIB_PYTHON_LINK_ROOT: root, ...env },
    extendEnv: false,
    reject: false,
  });
}
const link = () => path.join(root, 'usr/bin/dib-python');

describe('pre-install.d', () => {
  it('links /usr/bin/dib-python to the python of DIB_PYTHON_VERSION found on PATH', async () => {
    const bin = pythons('python2', 'python3');
    const r = await preInstall({ DISTRO_NAME: 'debian', DIB_RELEASE: 'bookworm' }, [bin]);
    rmSync(bin, { recursive: true, force: true });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readlinkSync(link())).toBe(path.join(bin, 'python3'));
    expect(r.stdout).toContain(`/usr/bin/dib-python -> ${bin}/python3`);
  });

  it('follows an explicit DIB_PYTHON_VERSION', async () => {
    const bin = pythons('python2', 'python3', 'python3.11');
    const r = await preInstall({ DISTRO_NAME: 'debian', DIB_PYTHON_VERSION: '3.11' }, [bin]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readlinkSync(link())).toBe(path.join(bin, 'python3.11'));
    rmSync(bin, { recursive: true, force: true });
  });

  it('replaces a link left by an earlier run', async () => {
    const bin = pythons('python3');
    mkdirSync(path.dirname(link()), { recursive: true });
    symlinkSync('/nowhere/python', link());
    const r = await preInstall({ DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'noble' }, [bin]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readlinkSync(link())).toBe(path.join(bin, 'python3'));
    rmSync(bin, { recursive: true, force: true });
  });

  it('installs python3 with install-packages on Debian when the image has none, then links it', async () => {
    const later = mkdtempSync(path.join(os.tmpdir(), 'dib-python-later-'));
    // install-packages "installs" by putting python3 where PATH finds it; apt-get (update, when lists are missing) does nothing.
    stubs = stubCommands({
      'install-packages': `printf '#!/bin/sh\\n' > '${later}/python3'; chmod +x '${later}/python3'`,
      'apt-get': ':',
    });
    const r = await preInstall({ DISTRO_NAME: 'debian', DIB_RELEASE: 'bookworm' }, [stubs.dir, later]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs.calls()).toContain('install-packages python3');
    expect(readlinkSync(link())).toBe(path.join(later, 'python3'));
    rmSync(later, { recursive: true, force: true });
  });

  it('does not install anything when python3 is there', async () => {
    const bin = pythons('python3');
    stubs = stubCommands({ 'install-packages': 'exit 1', 'apt-get': 'exit 1' });
    const r = await preInstall({ DISTRO_NAME: 'debian' }, [stubs.dir, bin]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs.calls()).toEqual([]);
    rmSync(bin, { recursive: true, force: true });
  });

  it('fails with a clear message, and no link, when the interpreter is missing', async () => {
    const bin = pythons('python3');
    const r = await preInstall({ DISTRO_NAME: 'fedora', DIB_RELEASE: '40', DIB_PYTHON_VERSION: '2' }, [bin]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('dib-python: no python2 interpreter in the image (DIB_PYTHON_VERSION=2;');
    expect(r.stderr).toContain('set DIB_PYTHON_VERSION to a python the image has');
    expect(existsSync(link())).toBe(false);
    rmSync(bin, { recursive: true, force: true });
  });

  it('fails clearly on Debian when installing python does not provide it', async () => {
    stubs = stubCommands({ 'install-packages': 'echo "E: Unable to locate package python2" >&2; exit 100', 'apt-get': ':' });
    const r = await preInstall({ DISTRO_NAME: 'debian', DIB_PYTHON_VERSION: '2' }, [stubs.dir]);
    expect(r.exitCode).toBe(1);
    expect(stubs.calls()).toContain('install-packages python2');
    expect(r.stderr).toContain('Unable to locate package python2');
    expect(r.stderr).toContain('dib-python: no python2 interpreter in the image');
  });
});

describe('cleanup.d', () => {
  it('removes the link from TARGET_ROOT and leaves the interpreter', async () => {
    mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
    writeFileSync(path.join(root, 'usr/bin/python3'), '');
    symlinkSync('/usr/bin/python3', link());
    const r = await execa('bash', [CLEANUP], { env: { PATH: tools, TARGET_ROOT: root }, extendEnv: false });
    expect(r.exitCode).toBe(0);
    expect(() => lstatSync(link())).toThrow(/ENOENT/);
    expect(existsSync(path.join(root, 'usr/bin/python3'))).toBe(true);
  });

  it('succeeds when there is no link (pre-install did not run)', async () => {
    const r = await execa('bash', [CLEANUP], { env: { PATH: tools, TARGET_ROOT: root }, extendEnv: false });
    expect(r.exitCode).toBe(0);
  });
});

describe('the manifest', () => {
  it('refuses a DIB_PYTHON_VERSION that is not a version before the build starts', async () => {
    await expect(planBuild(['dib-python'], { searchRoots: [REPO], env: { DIB_PYTHON_VERSION: 'three' } })).rejects.toMatchObject({
      code: 'DIB_E_ENV_INVALID',
    });
  });

  it("links before the packages of pre-install are installed, and passes the user's version on", async () => {
    const plan = await planBuild(['dib-python', 'debian'], { searchRoots: [REPO], env: { DIB_PYTHON_VERSION: '3.12' } });
    const names = plan.hooks.phases['pre-install'].map((h) => h.name);
    expect(names.indexOf('01-dib-python')).toBeLessThan(names.indexOf('10-package-installs'));
    expect(plan.hooks.phases.cleanup.map((h) => h.name)).toContain('50-dib-python');
    expect(plan.environment.DIB_PYTHON_VERSION).toBe('3.12');
  });
});
