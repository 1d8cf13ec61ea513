/**
 * The extra-data hook as a build runs it: every element's svc-map file, merged for the
 * distro into the image's /usr/share/svc-map/services, which YAML readers and
 * bin/svc-map both read.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadElement, planBuild, runElementHook, writeClassicElement } from '@dib/testing';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'elements/svc-map/bin/svc-map');
const NOVA = `nova-api:
  default: openstack-nova-api
  debian: nova-api
nova-consoleauth:
  default: openstack-nova-console
  debian: nova-console
  fedora: nova-console-fedora
`;
const GLANCE = `# a comment
glance-api:
  redhat: openstack-glance-api
httpd:
  debian: apache2
  default: httpd
chronyd: {}
`;

let elementsDir: string;
let root: string;
const cleanup: string[] = [];
beforeEach(() => {
  elementsDir = mkdtempSync(path.join(os.tmpdir(), 'dib-svc-map-elements-'));
  root = mkdtempSync(path.join(os.tmpdir(), 'dib-svc-map-root-'));
  cleanup.push(elementsDir, root);
});
afterEach(() => cleanup.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs svc-map's extra-data hook for a build of svc-map and the given classic elements; returns the image's table. */
async function buildServices(elements: Record<string, string | undefined>, env: Record<string, string>) {
  for (const [name, svcMap] of Object.entries(elements))
    writeClassicElement(elementsDir, name, { files: svcMap === undefined ? { README: name } : { 'svc-map': svcMap } });
  const plan = await planBuild(['svc-map', ...Object.keys(elements)], { elementsPath: [elementsDir], searchRoots: [REPO] });
  const run = await runElementHook(await loadElement('svc-map', { searchRoots: [REPO] }), 'extra-data', '10-svc-map-services', { targetRoot: root, plan, env });
  cleanup.push(run.outputDir);
  const file = path.join(root, 'usr/share/svc-map/services');
  return { file, text: readFileSync(file, 'utf8'), log: run.log };
}

it('maps each service for a Debian-family distro: the distro, then its family, then the default', async () => {
  const { file, text, log } = await buildServices({ nova: NOVA, glance: GLANCE }, { DISTRO_NAME: 'ubuntu' });
  expect(parse(text)).toEqual({
    'nova-api': 'nova-api',
    'nova-consoleauth': 'nova-console',
    'glance-api': 'glance-api',
    httpd: 'apache2',
    chronyd: 'chronyd',
  });
  // YAML 1.1 readers (PyYAML, as diskimage-builder's scripts use) read the same strings.
  expect(parse(text, { version: '1.1' })).toEqual(parse(text));
  expect(statSync(file).mode & 0o777).toBe(0o644);
  expect(log.join('\n')).toContain('5 service name(s) from nova, glance');
});

it('prefers the distro over the family, and falls back to the name itself', async () => {
  const { text } = await buildServices({ nova: NOVA, glance: GLANCE }, { DISTRO_NAME: 'fedora' });
  expect(parse(text)).toEqual({
    'nova-api': 'openstack-nova-api',
    'nova-consoleauth': 'nova-console-fedora',
    'glance-api': 'openstack-glance-api',
    httpd: 'httpd',
    chronyd: 'chronyd',
  });
});

it('uses DIB_DISTRO_FAMILY when set, as pkg-map does', async () => {
  const { text } = await buildServices({ glance: GLANCE }, { DISTRO_NAME: 'mylinux', DIB_DISTRO_FAMILY: 'redhat' });
  expect(parse(text)).toMatchObject({ 'glance-api': 'openstack-glance-api', httpd: 'httpd' });
});

it('gives bin/svc-map in the image the same names', async () => {
  const { text } = await buildServices({ nova: NOVA, glance: GLANCE }, { DISTRO_NAME: 'debian' });
  const r = await execa('sh', [BIN, 'nova-consoleauth', 'httpd', 'glance-api', 'unknown-svc'], { env: { SVC_MAP_ROOT: root } });
  expect(r.stdout.split('\n')).toEqual(['nova-console', 'apache2', 'glance-api', 'unknown-svc']);
  expect(text.split('\n')[1]).toBe('"chronyd": "chronyd"');
});

it('writes an empty table when no element has a svc-map file', async () => {
  const { text } = await buildServices({ plain: undefined }, { DISTRO_NAME: 'debian' });
  expect(parse(text)).toEqual({});
  expect(text).toContain('from the svc-map files of no element');
});

it('refuses a service two elements map, naming both elements', async () => {
  const other = 'httpd:\n  default: apache\n';
  const failure = buildServices({ glance: GLANCE, web: other }, { DISTRO_NAME: 'debian' });
  await expect(failure).rejects.toMatchObject({
    code: 'DIB_E_SVC_MAP_DUPLICATE',
    message: expect.stringMatching(/service "httpd" is mapped by element glance \(.*glance\/svc-map\) and by element web \(.*web\/svc-map\)/),
  });
});

it.each([
  ['invalid YAML', 'nova-api:\n  debian: [unclosed\n', /not valid YAML/],
  ['a key repeated in one file', 'httpd:\n  default: a\nhttpd:\n  default: b\n', /not valid YAML: Map keys must be unique/],
  ['a list at the top', '- httpd\n', /expected a mapping of service names, found a list/],
  ['a service mapped to a bare name', 'httpd: apache2\n', /httpd: expected a mapping of distro, family or "default" to a name, found string "apache2"/],
  ['a name that is not a string', 'httpd:\n  default: 2\n', /httpd\.default: expected a service name .* found number 2/],
  ['a name with a space', 'httpd:\n  debian: "apache 2"\n', /httpd\.debian: .*found string "apache 2"/],
  ['a service name with a quote', '"my\'svc":\n  default: x\n', /service name "my'svc" has characters/],
])('refuses %s with the file and element named', async (_what, svcMap, message) => {
  const failure = buildServices({ broken: svcMap }, { DISTRO_NAME: 'debian' });
  await expect(failure).rejects.toMatchObject({ code: 'DIB_E_SVC_MAP_INVALID', message: expect.stringMatching(message) });
  await expect(failure).rejects.toThrow(/broken\/svc-map \(element broken\)/);
});
