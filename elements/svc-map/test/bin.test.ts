/**
 * bin/svc-map as scripts in the image call it, run with sh against a table written by
 * the element's own writer, under a temporary root.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { renderServices } from '../src/service-map.js';

const BIN = path.resolve(import.meta.dirname, '../bin/svc-map');
let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dib-svc-map-bin-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function writeTable(text: string) {
  mkdirSync(path.join(root, 'usr/share/svc-map'), { recursive: true });
  writeFileSync(path.join(root, 'usr/share/svc-map/services'), text);
}
function touch(rel: string) {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), '');
}
const svcMap = (...args: string[]) => execa('sh', [BIN, ...args], { env: { SVC_MAP_ROOT: root }, reject: false });

const TABLE = renderServices(
  new Map([
    ['nova-api', 'openstack-nova-api'],
    ['httpd', 'apache2'],
    ['ntp', 'chrony@default'],
  ]),
  'test table',
);

it('prints the mapped name of each service, one per line, and exits 0', async () => {
  writeTable(TABLE);
  const r = await svcMap('httpd', 'nova-api', 'ntp');
  expect(r).toMatchObject({ exitCode: 0, stdout: 'apache2\nopenstack-nova-api\nchrony@default', stderr: '' });
});

it('prints a name the table lacks unchanged and still exits 0, as diskimage-builder does', async () => {
  writeTable(TABLE);
  expect(await svcMap('unknown', 'nova')).toMatchObject({ exitCode: 0, stdout: 'unknown\nnova' });
});

it('prints every name unchanged when the image has no table', async () => {
  expect(await svcMap('httpd')).toMatchObject({ exitCode: 0, stdout: 'httpd' });
});

it('prints nothing and exits 0 without arguments', async () => {
  writeTable(TABLE);
  expect(await svcMap()).toMatchObject({ exitCode: 0, stdout: '' });
});

it('keeps the generic name when a systemd or upstart unit of that name exists (installed from source)', async () => {
  writeTable(TABLE);
  touch('lib/systemd/system/httpd.service');
  touch('etc/init/nova-api.conf');
  expect((await svcMap('httpd', 'nova-api', 'ntp')).stdout).toBe('httpd\nnova-api\nchrony@default');
});

it('reads tables other YAML writers made: plain and single-quoted scalars, CRLF lines', async () => {
  writeTable("---\nhttpd: apache2\r\n'yes': 'yes-svc'\nnova-api: openstack-nova-api\n");
  expect((await svcMap('yes', 'httpd', 'nova-api')).stdout).toBe('yes-svc\napache2\nopenstack-nova-api');
});

it('does not match a name by prefix or pattern', async () => {
  writeTable(TABLE);
  expect((await svcMap('http', 'nova-*', '*')).stdout).toBe('http\nnova-*\n*');
});

it('prints its usage for -h', async () => {
  expect(await svcMap('-h')).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('usage: svc-map [-h] SERVICE...') });
});
