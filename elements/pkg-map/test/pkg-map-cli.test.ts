/**
 * bin/pkg-map as a script in the chroot sees it: run with sh against maps in a temp
 * directory (PKG_MAP_DIR stands in for /usr/share/pkg-map), asserting stdout and exit codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOOL = path.resolve(import.meta.dirname, '../bin/pkg-map');
let maps: string;

const MAP = {
  release: { centos: { '8': { 'nfs-tools': 'nfs-utils-8' } }, ubuntu: { noble: { 'py-dev': 'python3-dev python3-venv' } } },
  distro: { ubuntu: { firmware: '' }, fedora: { 'nfs-tools': 'nfs-utils-fedora' } },
  family: {
    debian: { 'nfs-tools': 'nfs-common', 'dhcp-client': 'isc-dhcp-client' },
    redhat: { 'nfs-tools': 'nfs-utils' },
    suse: { 'nfs-tools': 'nfs-client' },
  },
  default: { 'nfs-tools': 'nfs', firmware: 'linux-firmware', nothing: null, several: ['one', 'two'] },
};

beforeAll(() => {
  maps = mkdtempSync(path.join(os.tmpdir(), 'dib-pkg-maps-'));
  writeFileSync(path.join(maps, 'storage'), JSON.stringify(MAP, null, 2));
  writeFileSync(path.join(maps, 'broken'), '{ "default": { "a": "b" ');
});
afterAll(() => rmSync(maps, { recursive: true, force: true }));

/** Runs the tool with only the given environment (plus PATH and the maps directory). */
const pkgMap = (args: string[], env: Record<string, string> = {}) =>
  execa('sh', [TOOL, ...args], { env: { PATH: process.env.PATH, PKG_MAP_DIR: maps, ...env }, extendEnv: false, reject: false });
const lines = (s: string) => (s === '' ? [] : s.split('\n'));

describe('mapping', () => {
  it.each([
    ['ubuntu', 'noble', ['nfs-common', 'python3-dev python3-venv', 'isc-dhcp-client']],
    ['debian', 'bookworm', ['nfs-common', 'linux-firmware', 'py-dev', 'isc-dhcp-client']],
    ['fedora', '40', ['nfs-utils-fedora', 'linux-firmware', 'py-dev', 'dhcp-client']],
    ['centos', '9-stream', ['nfs-utils', 'linux-firmware', 'py-dev', 'dhcp-client']],
    // Stream 8 is looked up as release 8, as DIB does.
    ['centos', '8-stream', ['nfs-utils-8', 'linux-firmware', 'py-dev', 'dhcp-client']],
    ['opensuse', '15', ['nfs-client', 'linux-firmware', 'py-dev', 'dhcp-client']],
  ])('for %s %s: release, then distro, then family, then default; "" prints nothing', async (distro, release, expected) => {
    const r = await pkgMap([
      '--element',
      'storage',
      '--distro',
      distro,
      '--release',
      release,
      '--missing-ok',
      'nfs-tools',
      'firmware',
      'py-dev',
      'dhcp-client',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(lines(r.stdout)).toEqual(expected);
  });

  it('takes the distro and release from DISTRO_NAME and DIB_RELEASE', async () => {
    const r = await pkgMap(['--element=storage', 'nfs-tools', 'py-dev'], { DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'noble' });
    expect([r.exitCode, r.stdout]).toEqual([0, 'nfs-common\npython3-dev python3-venv']);
  });

  it('treats null as "nothing to install" and joins a list of names', async () => {
    const r = await pkgMap(['--element', 'storage', '--distro', 'debian', 'nothing', 'several']);
    expect([r.exitCode, r.stdout]).toEqual([0, 'one two']);
  });

  it('puts --prefix before every printed name', async () => {
    const r = await pkgMap(['--element', 'storage', '--distro', 'debian', '--prefix', '-', '--missing-ok', 'nfs-tools', 'unknown']);
    expect(lines(r.stdout)).toEqual(['-nfs-common', '-unknown']);
  });

  it('reads a map given by path with --pkg-map', async () => {
    const r = await pkgMap(['--pkg-map', path.join(maps, 'storage'), '--distro', 'fedora', 'nfs-tools']);
    expect([r.exitCode, r.stdout]).toEqual([0, 'nfs-utils-fedora']);
  });

  it('says how each name was mapped on stderr with --debug, leaving stdout alone', async () => {
    const r = await pkgMap(['--element', 'storage', '--distro', 'ubuntu', '--debug', '--missing-ok', 'nfs-tools', 'firmware', 'other']);
    expect(lines(r.stdout)).toEqual(['nfs-common', 'other']);
    expect(r.stderr).toContain('map nfs-tools -> nfs-common');
    expect(r.stderr).toContain('map firmware -> <skip>');
    expect(r.stderr).toContain('pass -> other');
  });
});

describe('exit codes', () => {
  it('1 for a name the map does not know, after printing the names before it', async () => {
    const r = await pkgMap(['--element', 'storage', '--distro', 'debian', 'nfs-tools', 'unknown', 'firmware']);
    expect([r.exitCode, r.stdout]).toEqual([1, 'nfs-common']);
    expect(r.stderr).toContain('storage has no valid mapping for package unknown');
  });

  it('2 for an element without a map; with --missing-ok the names print unchanged', async () => {
    const r = await pkgMap(['--element', 'nomap', '--distro', 'debian', 'a', 'b']);
    expect([r.exitCode, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain('element nomap has no package map');
    const ok = await pkgMap(['--element', 'nomap', '--distro', 'debian', '--missing-ok', '--prefix', '+', 'a', 'b']);
    expect([ok.exitCode, ok.stdout]).toEqual([0, '+a\n+b']);
  });

  it.each([
    ['no --element or --pkg-map', ['--distro', 'debian', 'a'], 'give --element ELEMENT (or --pkg-map FILE)'],
    ['both --element and --pkg-map', ['--element', 'storage', '--pkg-map', '/x', '--distro', 'debian', 'a'], 'not both'],
    ['no distro', ['--element', 'storage', 'a'], 'give --distro or set DISTRO_NAME'],
    ['an unknown option', ['--element', 'storage', '--distro', 'debian', '--frobnicate', 'a'], 'unknown option --frobnicate'],
    ['an option without its value', ['--distro', 'debian', 'a', '--element'], '--element needs a value'],
    ['a map that is not JSON', ['--element', 'broken', '--distro', 'debian', 'a'], 'is not a JSON package map'],
  ])('1 for %s', async (_, args, message) => {
    const r = await pkgMap(args);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });
});
