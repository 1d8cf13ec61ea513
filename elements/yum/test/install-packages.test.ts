/**
 * yum's install-packages against stand-ins for dnf and rpm: the command lines a build
 * runs (the real dnf runs in the fedora integration test), the mapping through pkg-map,
 * and which packages -e removes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FLOCK_STUB, stubCommands, type StubCommands } from '@dib/testing';

const TOOL = path.resolve(import.meta.dirname, '../bin/install-packages');
const PKG_MAP_BIN = path.resolve(import.meta.dirname, '../../pkg-map/bin');
let stubs: StubCommands;
let maps: string;
beforeEach(() => {
  maps = mkdtempSync(path.join(os.tmpdir(), 'dib-maps-'));
  writeFileSync(path.join(maps, 'web'), JSON.stringify({ family: { redhat: { httpd: 'httpd mod_ssl', 'apt-tools': '' } } }));
  // "installed" is installed, anything else is not; mkdir stands in so the host's /var/cache is not touched.
  stubs = stubCommands({ flock: FLOCK_STUB, dnf: ':', mkdir: ':', rpm: 'case "$*" in *" installed") exit 0 ;; *) exit 1 ;; esac' });
});
afterEach(() => {
  stubs.remove();
  rmSync(maps, { recursive: true, force: true });
});

const installPackages = (args: string[], env: Record<string, string> = {}) =>
  execa('bash', [TOOL, ...args], {
    env: { PATH: `${stubs.dir}:${PKG_MAP_BIN}:${process.env.PATH}`, PKG_MAP_DIR: maps, DISTRO_NAME: 'fedora', DIB_RELEASE: '45', ...env },
    reject: false,
  });
const dnfCalls = () => stubs.calls().filter((c) => c.startsWith('dnf '));

it('installs with dnf: no weak dependencies, the shared cache kept, $releasever from DIB_RELEASE, under the cache lock', async () => {
  const r = await installPackages(['vim-minimal', 'tar']);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(dnfCalls()).toEqual(['dnf -y --setopt=install_weak_deps=False --setopt=keepcache=True --releasever=45 install vim-minimal tar']);
  expect(stubs.calls()).toContain(
    'flock --wait 3600 /var/cache/dnf/.dib-dnf-lock dnf -y --setopt=install_weak_deps=False --setopt=keepcache=True --releasever=45 install vim-minimal tar',
  );
});

it('maps names through an element\'s pkg-map for the redhat family (-m), and runs nothing when all map to ""', async () => {
  expect((await installPackages(['-m', 'web', 'httpd'])).exitCode).toBe(0);
  expect(dnfCalls().at(-1)).toMatch(/ install httpd mod_ssl$/);
  const none = await installPackages(['-m', 'web', 'apt-tools']);
  expect(none.exitCode).toBe(0);
  expect(none.stdout).toContain('nothing to install after mapping through web');
  expect(dnfCalls()).toHaveLength(1);
});

it('-e removes only what rpm says is installed; -u upgrades first; $YUM names another manager', async () => {
  expect((await installPackages(['-e', 'installed', 'absent'])).exitCode).toBe(0);
  expect(dnfCalls().at(-1)).toMatch(/ remove installed$/);
  stubs.remove();
  stubs = stubCommands({ flock: FLOCK_STUB, dnf5: ':', mkdir: ':' });
  expect((await installPackages(['-u', 'kernel'], { YUM: 'dnf5' })).exitCode).toBe(0);
  expect(stubs.calls().filter((c) => c.startsWith('dnf5'))).toEqual([
    'dnf5 -y --setopt=install_weak_deps=False --setopt=keepcache=True --releasever=45 upgrade',
    'dnf5 -y --setopt=install_weak_deps=False --setopt=keepcache=True --releasever=45 install kernel',
  ]);
});
