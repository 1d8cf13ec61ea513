/**
 * The configuration pre-install.d/04-pypi-mirror writes, read by the host's real pip:
 * with the public index turned off, a package that only the mirror has installs, from a
 * loopback HTTP mirror and from a file:// one. Needs python3 with pip; no network.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildIndex, serveIndex, type ServedIndex } from './pep503-index.js';
import { CONFIGURE, runScript } from './scripts.js';

const PROBE = { name: 'dib-probe', version: '1.0.0', source: 'MESSAGE = "from the mirror"\n' };

let work: string;
let root: string;
let server: ServedIndex | undefined;
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'dib-pypi-pip-'));
  root = path.join(work, 'root');
  for (const d of ['etc', 'root', 'var/lib', 'tmp/pypi']) mkdirSync(path.join(root, d), { recursive: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(work, { recursive: true, force: true });
});

/**
 * pip with the written /etc/pip.conf as its only own configuration (PIP_CONFIG_FILE also
 * keeps the host user's pip.conf out) and none of the host's PIP_* variables. The cache
 * goes to the work directory: the written cache-dir is a path of the image.
 */
const pip = (...args: string[]) =>
  execa('python3', ['-m', 'pip', ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: work,
      PIP_CONFIG_FILE: path.join(root, 'etc/pip.conf'),
      PIP_CACHE_DIR: path.join(work, 'cache'),
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
    },
    extendEnv: false,
    reject: false,
  });

/** Installs the probe with the written configuration and imports it from where it went. */
async function installProbe(indexUrl: string) {
  const target = path.join(work, 'site');
  const r = await pip('install', '--no-deps', '--timeout', '10', '--target', target, 'dib-probe');
  expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
  // Only the mirror was searched: pip names every index it looks in.
  expect(r.stdout).toContain(`Looking in indexes: ${indexUrl}\n`);
  const imported = await execa('python3', ['-c', 'import dib_probe; print(dib_probe.MESSAGE)'], { env: { PYTHONPATH: target } });
  expect(imported.stdout).toBe('from the mirror');
}

it('installs from a loopback HTTP mirror with DIB_NO_PYPI_PIP', { timeout: 90_000 }, async () => {
  server = await serveIndex(buildIndex(path.join(work, 'simple'), [PROBE]).dir);
  const r = await runScript(CONFIGURE, root, { DIB_PYPI_MIRROR_URL: server.url, DIB_NO_PYPI_PIP: '1' });
  expect(r.exitCode, r.stderr).toBe(0);

  const config = await pip('config', 'list');
  expect(config.stdout).toContain(`global.index-url='${server.url}'`);
  expect(config.stdout).not.toContain('extra-index-url');

  await installProbe(server.url);
  expect(server.requests).toEqual(['/simple/dib-probe/', '/simple/dib-probe/dib_probe-1.0.0-py3-none-any.whl']);
});

it('installs from a file:// mirror with DIB_OFFLINE', { timeout: 90_000 }, async () => {
  const index = buildIndex(path.join(work, 'simple'), [PROBE]);
  const url = `file://${index.dir}`;
  const r = await runScript(CONFIGURE, root, { DIB_PYPI_MIRROR_URL: url, DIB_OFFLINE: '1' });
  expect(r.exitCode, r.stderr).toBe(0);
  await installProbe(url);
});
