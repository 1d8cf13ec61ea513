/**
 * Where rhel's tree comes from: the user's own mirror of the guest image, checked against
 * its SHA256SUMS (signed with the mirror's key, or trusted unsigned only when asked),
 * and the refusals when there is nothing to start from. The image is a squashfs under a
 * qcow2 name (unpacked by its bytes), so nothing is mounted; the xfs guest disk itself
 * is the rpm-family integration test's.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { loadElement, makeSigningKey, runElementHook, scratchSpace, serveDirectory, type FileServer, type SigningKey } from '@dib/testing';

const REPO = path.resolve(import.meta.dirname, '../../..');
const IMAGE = 'rhel-9.6-x86_64-kvm.qcow2';
const space = scratchSpace('dib-rhel');
const fixture = scratchSpace('dib-rhel-fixture');
let key: SigningKey;
let server: FileServer;

beforeAll(async () => {
  key = await makeSigningKey(fixture.dir('key'), 'our mirror');
  const srv = fixture.dir('srv');
  const tree = fixture.dir('tree');
  mkdirSync(path.join(tree, 'etc'));
  writeFileSync(path.join(tree, 'etc/redhat-release'), 'Red Hat Enterprise Linux release 9.6 (Plow)\n');
  await execa('mksquashfs', [tree, path.join(srv, IMAGE), '-noappend', '-quiet', '-all-root']);
  const sum = createHash('sha256')
    .update(readFileSync(path.join(srv, IMAGE)))
    .digest('hex');
  writeFileSync(path.join(srv, 'SHA256SUMS'), `${sum}  ${IMAGE}\n`);
  await key.sign(path.join(srv, 'SHA256SUMS'));
  server = await serveDirectory(srv);
});
afterAll(async () => {
  await server?.close();
  fixture.clean();
});
afterEach(space.clean);

async function unpack(env: Record<string, string>) {
  const element = await loadElement('rhel', { searchRoots: [REPO] });
  const targetRoot = space.dir('root');
  const run = await runElementHook(element, 'root', '10-rhel-cloud-image', { targetRoot, imageCache: space.dir('cache'), outputDir: space.dir('out'), env });
  return { release: readFileSync(path.join(targetRoot, 'etc/redhat-release'), 'utf8'), log: run.log.join('\n') };
}
const mirror = () => ({ DIB_CLOUD_IMAGES: server.hostUrl(''), BASE_IMAGE_FILE: IMAGE });

it("takes the guest image from the user's mirror, its SHA256SUMS signed by the mirror's key", async () => {
  const r = await unpack({ ...mirror(), DIB_CLOUD_IMAGE_KEYRING: key.keyring });
  expect(r.release).toContain('release 9.6');
  expect(r.log).toContain('SHA256SUMS is signed by a key in');
});

it('trusts an unsigned SHA256SUMS only with DIB_CLOUD_IMAGE_VERIFY=checksum, and says how otherwise', async () => {
  const refused = await unpack(mirror()).catch((e) => e);
  expect(refused).toMatchObject({ code: 'DIB_E_CLOUD_IMAGE_KEYRING' });
  expect(refused.message).toContain('set DIB_CLOUD_IMAGE_KEYRING to your mirror');
  const r = await unpack({ ...mirror(), DIB_CLOUD_IMAGE_VERIFY: 'checksum' });
  expect(r.release).toContain('release 9.6');
});

it('refuses to start without DIB_LOCAL_IMAGE or a mirror and file, naming what is missing', async () => {
  await expect(unpack({})).rejects.toMatchObject({
    code: 'DIB_E_RHEL_IMAGE_SOURCE',
    message: expect.stringContaining('neither DIB_LOCAL_IMAGE nor DIB_CLOUD_IMAGES'),
  });
  await expect(unpack({ DIB_CLOUD_IMAGES: server.hostUrl('') })).rejects.toMatchObject({
    code: 'DIB_E_RHEL_IMAGE_SOURCE',
    message: expect.stringContaining('BASE_IMAGE_FILE is not'),
  });
});
