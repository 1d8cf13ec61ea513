/**
 * Classic elements' package-installs.yaml/.json, read as DIB 3.13 reads them: entries
 * that are lists of specs, build-only, installtype, dib_python_version, when lists,
 * arch/not-arch; the lists the build's phases then install and remove.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeClassicElement } from '@dib/testing';
import { runExtraData, type ExtraDataResult } from './run-extra-data.js';

let elements: string;
let result: ExtraDataResult | undefined;
beforeEach(() => {
  elements = mkdtempSync(path.join(os.tmpdir(), 'dib-classic-pkgs-'));
});
afterEach(() => {
  rmSync(elements, { recursive: true, force: true });
  result?.remove();
  result = undefined;
});

const classic = (name: string, files: Record<string, string>) => writeClassicElement(elements, name, { deps: ['package-installs'], files });
const BASE_ENV = { DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'noble', DIB_DEFAULT_INSTALLTYPE: 'source', DIB_PYTHON_VERSION: '3' };
const run = async (name: string, env: Record<string, string>, arch?: string) =>
  (result = await runExtraData([name], { elementsPath: [elements], env: { ...BASE_ENV, ...env }, arch }));

describe('a package whose value is a list of specs', () => {
  beforeEach(() => {
    classic('kernel-choice', {
      'package-installs.yaml': `# the kernel follows DIB_KERNEL_FLAVOUR; arm64 on jammy takes the hwe one
kernel-generic:
  - not-arch: arm64
    when: DIB_KERNEL_FLAVOUR = generic
  - arch: arm64
    when:
      - DIB_RELEASE != jammy
      - DIB_KERNEL_FLAVOUR = generic
kernel-hwe:
  arch: arm64
  when:
    - DIB_RELEASE = jammy
    - DIB_KERNEL_FLAVOUR = generic
kernel-virtual:
  when: DIB_KERNEL_FLAVOUR=virtual
initramfs-tools:
`,
    });
  });

  it.each([
    ['amd64', 'noble', 'generic', ['kernel-generic', 'initramfs-tools']],
    ['arm64', 'noble', 'generic', ['kernel-generic', 'initramfs-tools']],
    ['arm64', 'jammy', 'generic', ['kernel-hwe', 'initramfs-tools']],
    ['amd64', 'jammy', 'virtual', ['kernel-virtual', 'initramfs-tools']],
  ])('on %s, release %s, flavour %s, installs %j', async (arch, release, flavour, expected) => {
    const { list } = await run('kernel-choice', { DIB_RELEASE: release, DIB_KERNEL_FLAVOUR: flavour }, arch);
    expect(list('install.install')).toEqual(expected);
  });

  it('an unset variable in a when: fails naming the element, the package and the variable', async () => {
    const err = await run('kernel-choice', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DIB_E_PACKAGE_CONDITION_UNSET', location: { element: 'kernel-choice', key: 'packages.kernel-generic.when' } });
    expect((err as Error).message).toBe(
      'element "kernel-choice", package "kernel-generic": the condition "DIB_KERNEL_FLAVOUR = generic" reads DIB_KERNEL_FLAVOUR, which is not set',
    );
    expect((err as { hint: string }).hint).toContain('give it a default in an environment.d file of element "kernel-choice"');
  });
});

it('checks every condition of a when: list, so an unset variable fails even after a false one', async () => {
  classic('strict', { 'package-installs.yaml': 'tool:\n  when:\n    - DIB_RELEASE = jammy\n    - DIB_NOT_SET_ANYWHERE = 1\n' });
  await expect(run('strict', {})).rejects.toMatchObject({ code: 'DIB_E_PACKAGE_CONDITION_UNSET', message: expect.stringContaining('DIB_NOT_SET_ANYWHERE') });
});

it('does not evaluate when: for an entry another filter already left out', async () => {
  classic('armonly', { 'package-installs.yaml': 'arm-tool:\n  arch: arm64\n  when: DIB_NOT_SET_ANYWHERE = 1\n' });
  const { list } = await run('armonly', {}, 'amd64');
  expect(list('install.install')).toEqual([]);
});

describe('installtype and dib_python_version', () => {
  beforeEach(() => {
    classic('py-tools', {
      'package-installs.yaml': `py2-xml:
  phase: pre-install.d
  dib_python_version: 2
python3:
  phase: pre-install.d
  installtype: package
  dib_python_version: 3
python3-pip:
  installtype: package
  dib_python_version: 3
python3-dev:
  installtype: source
  dib_python_version: 3
python3-venv:
  dib_python_version: 3
`,
    });
  });

  it.each([
    ['the default install type (source)', {}, [], ['python3-dev', 'python3-venv']],
    ['DIB_INSTALLTYPE_py_tools=package', { DIB_INSTALLTYPE_py_tools: 'package' }, ['python3'], ['python3-pip', 'python3-venv']],
    ['DIB_DEFAULT_INSTALLTYPE=package', { DIB_DEFAULT_INSTALLTYPE: 'package' }, ['python3'], ['python3-pip', 'python3-venv']],
    ['the element type over the default', { DIB_DEFAULT_INSTALLTYPE: 'package', DIB_INSTALLTYPE_py_tools: 'source' }, [], ['python3-dev', 'python3-venv']],
    ['DIB_PYTHON_VERSION=2', { DIB_PYTHON_VERSION: '2' }, ['py2-xml'], []],
  ])('with %s', async (_, env, pre, install) => {
    const { list } = await run('py-tools', env);
    expect(list('pre-install.install')).toEqual(pre);
    expect(list('install.install')).toEqual(install);
  });
});

it('reads package-installs.json and .yaml both; build-only installs and removes in the same phase; names go through the pkg-map', async () => {
  const dir = classic('builder', {
    'package-installs.json': JSON.stringify({
      'ssl-headers': { 'build-only': true },
      'old-agent': { uninstall: true, phase: 'post-install.d' },
      compiler: null,
    }),
    'package-installs.yaml': 'curl:\ncompiler:\n  build-only: True\n  phase: pre-install.d\n',
    'pkg-map': JSON.stringify({ family: { debian: { 'ssl-headers': 'libssl-dev' }, redhat: { 'ssl-headers': 'openssl-devel' } } }),
  });
  const { list, root } = await run('builder', {});
  expect(list('pre-install.install')).toEqual(['compiler']);
  expect(list('pre-install.uninstall')).toEqual(['compiler']);
  expect(list('install.install')).toEqual(['libssl-dev', 'compiler', 'curl']);
  expect(list('install.uninstall')).toEqual(['libssl-dev']);
  expect(list('post-install.uninstall')).toEqual(['old-agent']);
  // The classic pkg-map file lands in the image as DIB puts it.
  expect(JSON.parse(readFileSync(path.join(root, 'usr/share/pkg-map/builder'), 'utf8'))).toEqual(JSON.parse(readFileSync(path.join(dir, 'pkg-map'), 'utf8')));
});

it('counts uninstall: and build-only: by their presence, as DIB does', async () => {
  classic('presence', { 'package-installs.yaml': 'a:\n  uninstall: false\nb:\n  build-only: false\n' });
  const { list } = await run('presence', {});
  expect(list('install.install')).toEqual(['b']);
  expect(list('install.uninstall')).toEqual(['a', 'b']);
});

describe('mistakes in package-installs.yaml are DIB_E_MANIFEST_INVALID with the key', () => {
  it.each([
    ['arch and not-arch together', 'x:\n  arch: amd64\n  not-arch: arm64\n', 'packages.x.notArch: give arch or notArch, not both'],
    ['a misspelt key', 'x:\n  not_arch: arm64\n', 'packages.x: Unrecognized key: "not_arch"'],
    ['a bad phase in a list entry', 'x:\n  - arch: amd64\n  - phase: finalise.d\n', 'packages.x[1].phase: '],
    ['a python version that is not 2 or 3', 'x:\n  dib_python_version: 4\n', 'packages.x.pythonVersion: '],
    ['a file that is a list', '- curl\n', 'expected a mapping of package names'],
  ])('%s', async (_, yaml, message) => {
    classic('broken', { 'package-installs.yaml': yaml });
    await expect(run('broken', {})).rejects.toMatchObject({ code: 'DIB_E_MANIFEST_INVALID', message: expect.stringContaining(message) });
  });
});
