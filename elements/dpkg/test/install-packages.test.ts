import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLOCK_STUB as FLOCK, stubCommands, type StubCommands } from '@dib/testing';

const TOOL = path.resolve(import.meta.dirname, '../bin/install-packages');
const PKG_MAP_BIN = path.resolve(import.meta.dirname, '../../pkg-map/bin');
let stubs: StubCommands | undefined;
afterEach(() => stubs?.remove());

it('purges exactly the installed packages with -e, even when dpkg-query says more than a pipe holds', async () => {
  stubs = stubCommands({
    // "installed" is installed, "absent" is not; the long answer of the classic format
    // makes a reader that leaves at its first match kill dpkg-query every time.
    'dpkg-query': `case "$*" in
      *absent*) exit 1 ;;
      *'\${Status}'*) echo "install ok installed"; i=0; while [ $i -lt 20000 ]; do echo "padding line $i of a long answer"; i=$((i + 1)); done ;;
      *) printf installed ;;
    esac`,
    flock: FLOCK,
    'apt-get': ':',
  });
  const r = await execa('bash', [TOOL, '-e', 'installed', 'absent'], { env: { PATH: `${stubs.dir}:${process.env.PATH}` }, reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  const purges = stubs.calls().filter((c) => c.startsWith('apt-get'));
  expect(purges).toHaveLength(1);
  expect(purges[0]).toMatch(/ purge --auto-remove installed$/);
});

describe('-m ELEMENT: names mapped through the pkg-map tool first', () => {
  let maps: string;
  beforeEach(() => {
    maps = mkdtempSync(path.join(os.tmpdir(), 'dib-maps-'));
    writeFileSync(
      path.join(maps, 'web'),
      JSON.stringify({ family: { debian: { httpd: 'apache2', 'ssl-mod': '' } }, distro: { ubuntu: { tools: 'curl wget' } } }),
    );
    stubs = stubCommands({ flock: FLOCK, 'apt-get': ':' });
  });
  afterEach(() => rmSync(maps, { recursive: true, force: true }));

  /** install-packages with the stubs and the real pkg-map on PATH, reading maps from the temp dir. */
  const installPackages = (...args: string[]) =>
    execa('bash', [TOOL, ...args], {
      env: { PATH: `${stubs!.dir}:${PKG_MAP_BIN}:${process.env.PATH}`, PKG_MAP_DIR: maps, DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'noble' },
      reject: false,
    });
  const aptCalls = () => stubs!.calls().filter((c) => c.startsWith('apt-get'));

  it('installs the mapped names, splitting an entry that names several', async () => {
    const r = await installPackages('-m', 'web', 'httpd', 'tools');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(aptCalls().at(-1)).toMatch(/ install apache2 curl wget$/);
  });

  it('runs no apt-get when every name maps to ""', async () => {
    const r = await installPackages('-m', 'web', 'ssl-mod');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("nothing to install after mapping through web's pkg-map");
    expect(aptCalls()).toEqual([]);
  });

  it.each([
    ['a name the map does not know', ['-m', 'web', 'httpd', 'unknown'], 'web has no valid mapping for package unknown'],
    ['an element without a map', ['-m', 'nomap', 'httpd'], 'element nomap has no package map'],
  ])('fails with 1 for %s, installing nothing', async (_, args, message) => {
    const r = await installPackages(...args);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(`install-packages: pkg-map --element ${args[1]} failed`);
    expect(aptCalls()).toEqual([]);
  });
});
