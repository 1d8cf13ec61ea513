/**
 * What a build with pip-and-virtualenv installs per family and python version (from a
 * planned build, as package-installs collects it), how it refuses the source install
 * type, the environment.d exports against a scratch root, and the pip cache cleanup.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadElement, planBuild, runElementHook } from '@dib/testing';
import { collectPackages } from '@dib/element-package-installs';
import { distroFromEnv } from '@dib/element-pkg-map';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const CLI = path.join(REPO, 'packages/cli');
const FRAGMENT = path.join(ELEMENT, 'environment.d/51-pip-and-virtualenv.bash');
const CLEANUP = path.join(ELEMENT, 'post-install.d/89-pip-and-virtualenv-cache');

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dib-pip-root-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('packages', () => {
  /** phase:name of what package-installs installs for this element; DIB_PYTHON_VERSION as dib-python's environment.d sets it. */
  async function installs(env: Record<string, string> = {}) {
    // A Debian build's plan; the distribution (dib ships no redhat or suse element) is swapped in afterwards.
    const planEnv = Object.fromEntries(Object.entries(env).filter(([k]) => k.includes('INSTALLTYPE')));
    const plan = await planBuild(['debian-minimal', 'pip-and-virtualenv'], { searchRoots: [CLI], env: planEnv });
    const element = plan.elements.filter((e) => e.name === 'pip-and-virtualenv');
    const merged = { DIB_PYTHON_VERSION: '3', ...plan.environment, ...env };
    return collectPackages(element, merged, 'amd64', distroFromEnv(merged)).map((p) => `${p.phase}:${p.name}`);
  }

  it("installs Debian's pip, virtualenv and venv by default, with no install type given", async () => {
    expect(await installs()).toEqual(['install:python3-pip', 'install:python3-virtualenv', 'install:python3-venv']);
  });

  it('installs the same names on the redhat family, and python3 early on suse', async () => {
    expect(await installs({ DISTRO_NAME: 'rocky', DIB_RELEASE: '9' })).toEqual(['install:python3-pip', 'install:python3-virtualenv']);
    expect(await installs({ DISTRO_NAME: 'opensuse', DIB_RELEASE: '15.6' })).toEqual([
      'pre-install:python3',
      'install:python3-pip',
      'install:python3-virtualenv',
    ]);
  });

  it('installs the python 2 packages for DIB_PYTHON_VERSION=2', async () => {
    expect(await installs({ DISTRO_NAME: 'centos', DIB_RELEASE: '7', DIB_PYTHON_VERSION: '2' })).toEqual(['install:python-pip', 'install:python-virtualenv']);
    expect(await installs({ DISTRO_NAME: 'opensuse', DIB_RELEASE: '42.3', DIB_PYTHON_VERSION: '2' })).toContain('pre-install:python-xml');
  });

  it('keeps the package install type even when the default install type is source', async () => {
    expect(await installs({ DIB_DEFAULT_INSTALLTYPE: 'source' })).toEqual(['install:python3-pip', 'install:python3-virtualenv', 'install:python3-venv']);
  });
});

describe('the source install type', () => {
  it('is refused when the plan is made, saying why', async () => {
    const plan = planBuild(['debian-minimal', 'pip-and-virtualenv'], { searchRoots: [CLI], env: { DIB_INSTALLTYPE_pip_and_virtualenv: 'source' } });
    await expect(plan).rejects.toMatchObject({
      code: 'DIB_E_ENV_INVALID',
      message: expect.stringContaining('source install (get-pip.py over the packaged pip) is not supported'),
    });
  });

  it('is refused at root when an environment.d fragment sets it', async () => {
    const element = await loadElement('pip-and-virtualenv', { searchRoots: [REPO] });
    const hook = (type: string) =>
      runElementHook(element, 'root', '01-pip-and-virtualenv', { targetRoot: root, env: { DIB_INSTALLTYPE_pip_and_virtualenv: type } });
    await expect(hook('source')).rejects.toMatchObject({
      code: 'DIB_E_PIP_AND_VIRTUALENV_SOURCE',
      message: expect.stringContaining('"source" after environment.d'),
    });
    const ok = await hook('package');
    rmSync(ok.outputDir, { recursive: true, force: true });
    expect(ok.log.join('\n')).toContain('pip and virtualenv come from distribution packages');
  });
});

describe('environment.d', () => {
  const exportsWith = async (env: Record<string, string>) =>
    (
      await execa('bash', ['-c', 'set -eu; source "$1"; echo "${DIB_PYTHON_PIP-unset}|${DIB_PYTHON_VIRTUALENV-unset}"', 'x', FRAGMENT], {
        env: { PATH: process.env.PATH, PIP_AND_VIRTUALENV_ROOT: root, ...env },
        extendEnv: false,
      })
    ).stdout;

  it("exports pip and venv of the interpreter dib-python's link points at", async () => {
    mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
    symlinkSync('/usr/bin/python3.11', path.join(root, 'usr/bin/dib-python'));
    expect(await exportsWith({ DIB_PYTHON_VERSION: '3' })).toBe('/usr/bin/python3.11 -m pip|/usr/bin/python3.11 -m venv');
    expect(await exportsWith({ DIB_PYTHON_VERSION: '2' })).toBe('/usr/bin/python3.11 -m pip|/usr/bin/python3.11 -m virtualenv');
  });

  it('exports nothing where the link is not (host phases, after cleanup)', async () => {
    expect(await exportsWith({ DIB_PYTHON_VERSION: '3' })).toBe('unset|unset');
  });
});

describe('post-install.d/89-pip-and-virtualenv-cache', () => {
  const cache = () => path.join(root, '.cache/pip');
  const run = (env: Record<string, string>) =>
    execa('bash', [CLEANUP], { env: { PATH: process.env.PATH, HOME: root, ...env }, extendEnv: false, reject: false });
  beforeEach(() => {
    mkdirSync(path.join(cache(), 'http'), { recursive: true });
    writeFileSync(path.join(cache(), 'http/blob'), 'x');
  });

  it("removes root's pip cache", async () => {
    const r = await run({ DIB_DISABLE_PIP_CLEANUP: '0' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(cache())).toBe(false);
    expect(existsSync(root)).toBe(true);
  });

  it('keeps it with DIB_DISABLE_PIP_CLEANUP=1', async () => {
    const r = await run({ DIB_DISABLE_PIP_CLEANUP: '1' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(cache(), 'http/blob'))).toBe(true);
  });
});
