/**
 * package-installs and pkg-map together, as a build runs them at extra-data: the lists
 * each chroot phase installs, and the pkg-map tool scripts call in the chroot.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadElement, planBuild, runElementHook, writePackageElement, type HookRun } from '@dib/testing';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let project: string;
const runs: HookRun[] = [];

beforeEach(() => {
  project = mkdtempSync(path.join(os.tmpdir(), 'dib-pkg-lists-'));
  writeFileSync(path.join(project, 'package.json'), '{"name":"p","private":true}');
  writePackageElement(project, 'dib-element-app', {
    manifest: {
      name: 'app',
      description: 'An element with packages for every case',
      dependencies: ['package-installs'],
      packages: {
        vim: null,
        'early-tool': { phase: 'pre-install' },
        'build-only': { uninstall: true, phase: 'post-install' },
        'arm-firmware': { arch: ['arm64'] },
        'not-on-amd64': { notArch: ['amd64'] },
        'when-set': { when: ['DIB_APP_EXTRA = 1'] },
        'python-dev': null,
        'gone-on-ubuntu': null,
      },
      pkgMap: {
        family: { debian: { vim: 'vim-nox' } },
        release: { ubuntu: { noble: { 'python-dev': 'python3-dev python3-venv' } } },
        distro: { ubuntu: { 'gone-on-ubuntu': '' } },
      },
    },
  });
});
afterEach(() => {
  rmSync(project, { recursive: true, force: true });
  for (const r of runs.splice(0)) rmSync(r.outputDir, { recursive: true, force: true });
});

/** Runs pkg-map's and package-installs' extra-data hooks against the plan, into one hook tree. */
async function extraData(env: Record<string, string>, packages: string[] = []) {
  const plan = await planBuild(['app'], {
    searchRoots: [project, path.join(REPO, 'packages/cli')],
    image: { packages },
    env,
    output: path.join(project, 'img'),
  });
  const root = mkdtempSync(path.join(os.tmpdir(), 'dib-pkg-root-'));
  const first = await runElementHook(await loadElement('pkg-map', { searchRoots: [REPO] }), 'extra-data', '10-pkg-map-tables', { targetRoot: root, plan, env });
  runs.push(first);
  const second = await runElementHook(await loadElement('package-installs', { searchRoots: [REPO] }), 'extra-data', '20-package-installs-lists', {
    targetRoot: root,
    plan,
    env,
    outputDir: first.outputDir,
  });
  rmSync(root, { recursive: true, force: true });
  const hooks = path.join(first.outputDir, '.hooks');
  const list = (name: string) =>
    readFileSync(path.join(hooks, 'package-installs', name), 'utf8')
      .split('\n')
      .filter(Boolean);
  return { hooks, list, log: second.log };
}

it('writes each phase its installs and removals, filtered by architecture and conditions, mapped for the distro', async () => {
  const { list } = await extraData({ DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'noble', DIB_APP_EXTRA: '1' }, ['htop']);
  expect(list('pre-install.install')).toEqual(['early-tool']);
  expect(list('install.install')).toEqual(['vim-nox', 'when-set', 'python3-dev', 'python3-venv', 'htop']);
  expect(list('post-install.uninstall')).toEqual(['build-only']);
  expect(list('install.uninstall')).toEqual([]);
});

it('leaves out what a condition excludes, and keeps names no map covers', async () => {
  const { list } = await extraData({ DISTRO_NAME: 'debian', DIB_RELEASE: 'bookworm' });
  expect(list('install.install')).toEqual(['vim-nox', 'python-dev', 'gone-on-ubuntu']);
});

it('gives in-chroot scripts the same mapping through bin/pkg-map', async () => {
  const { hooks } = await extraData({ DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'noble' });
  const tool = path.join(REPO, 'elements/pkg-map/bin/pkg-map');
  const r = await execa(tool, ['--element', 'app', 'vim', 'python-dev', 'gone-on-ubuntu', 'unmapped'], { env: { TMP_HOOKS_PATH: hooks } });
  expect(r.stdout.split('\n')).toEqual(['vim-nox', 'python3-dev python3-venv', 'unmapped']);
});
