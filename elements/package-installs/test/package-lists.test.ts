/**
 * package-installs and pkg-map together, as a build runs them at extra-data: the lists
 * each chroot phase installs, and the maps the pkg-map tool reads in the chroot.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { writePackageElement } from '@dib/testing';
import { REPO, runExtraData, type ExtraDataResult } from './run-extra-data.js';

let project: string;
let result: ExtraDataResult | undefined;

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
        'old-tool': { uninstall: true, phase: 'post-install' },
        'build-dep': { buildOnly: true },
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
  result?.remove();
  result = undefined;
});

const extraData = async (env: Record<string, string>, packages: string[] = []) => (result = await runExtraData(['app'], { project, env, packages }));

it('writes each phase its installs and removals, filtered by architecture and conditions, mapped for the distro', async () => {
  const { list } = await extraData({ DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'noble', DIB_APP_EXTRA: '1' }, ['htop']);
  expect(list('pre-install.install')).toEqual(['early-tool']);
  expect(list('install.install')).toEqual(['vim-nox', 'build-dep', 'when-set', 'python3-dev', 'python3-venv', 'htop']);
  // build-only: installed at the start of install and removed again at its end.
  expect(list('install.uninstall')).toEqual(['build-dep']);
  expect(list('post-install.uninstall')).toEqual(['old-tool']);
});

it('leaves out what a condition excludes, and keeps names no map covers', async () => {
  const { list } = await extraData({ DISTRO_NAME: 'debian', DIB_RELEASE: 'bookworm', DIB_APP_EXTRA: '0' });
  expect(list('install.install')).toEqual(['vim-nox', 'build-dep', 'python-dev', 'gone-on-ubuntu']);
});

it('puts the map in /usr/share/pkg-map of the image, where the in-chroot pkg-map tool maps the same way', async () => {
  const { root } = await extraData({ DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'noble', DIB_APP_EXTRA: '1' });
  const tool = path.join(REPO, 'elements/pkg-map/bin/pkg-map');
  const env = { PKG_MAP_DIR: path.join(root, 'usr/share/pkg-map'), DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'noble' };
  const r = await execa('sh', [tool, '--element', 'app', '--missing-ok', 'vim', 'python-dev', 'gone-on-ubuntu', 'unmapped'], { env });
  expect(r.stdout.split('\n')).toEqual(['vim-nox', 'python3-dev python3-venv', 'unmapped']);
});
