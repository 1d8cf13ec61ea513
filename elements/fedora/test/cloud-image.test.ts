/**
 * The fedora element's root hook against a Fedora-style image directory on loopback:
 * an index page linking two composes' CHECKSUM files, each clearsigned by a throwaway
 * key with real gpg, fetched with real curl and checked with real gpgv. The image is a
 * squashfs under Fedora's qcow2 name (images are unpacked by their bytes, not their
 * names), so no mount is needed; the real btrfs qcow2 is the integration test's.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadElement, makeSigningKey, runElementHook, scratchSpace, serveDirectory, type FileServer, type SigningKey } from '@dib/testing';

const REPO = path.resolve(import.meta.dirname, '../../..');
const space = scratchSpace('dib-fedora');
const fixture = scratchSpace('dib-fedora-fixture');
let key: SigningKey;
let otherKey: SigningKey;
let srv: string;
let server: FileServer;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const imageName = (compose: string) => `Fedora-Cloud-Base-Generic-45-${compose}.x86_64.qcow2`;

/** One compose: its image (a squashfs holding a marker) and its clearsigned CHECKSUM. */
async function publishCompose(dir: string, compose: string, signer = key): Promise<string> {
  const tree = fixture.dir(`tree-${compose}`);
  mkdirSync(path.join(tree, 'etc'), { recursive: true });
  writeFileSync(path.join(tree, 'etc/compose'), compose);
  const image = path.join(dir, imageName(compose));
  await execa('mksquashfs', [tree, image, '-noappend', '-quiet', '-all-root']);
  const body = path.join(fixture.dir('bodies'), compose);
  writeFileSync(
    body,
    [
      `# ${imageName(compose)}: 4096 bytes`,
      `SHA256 (${imageName(compose)}) = ${sha256(image)}`,
      `SHA256 (Fedora-Cloud-Base-AmazonEC2-45-${compose}.x86_64.raw.xz) = ${'1'.repeat(64)}`,
      '',
    ].join('\n'),
  );
  const checksum = `Fedora-Cloud-45-${compose}-x86_64-CHECKSUM`;
  await signer.sign(body, { clear: path.join(dir, checksum) });
  return checksum;
}

/** A release directory as Fedora's mirrors show it: an index page linking every file. */
async function publishRelease(dir: string, composes: string[], signer = key) {
  mkdirSync(dir, { recursive: true });
  const links: string[] = [];
  for (const compose of composes) {
    links.push(await publishCompose(dir, compose, signer), imageName(compose));
  }
  writeFileSync(path.join(dir, 'index.html'), `<html><body>${links.map((l) => `<a href="${l}">${l}</a>`).join('\n')}</body></html>\n`);
}

beforeAll(async () => {
  key = await makeSigningKey(fixture.dir('key-good'), 'Fedora (45) test');
  otherKey = await makeSigningKey(fixture.dir('key-other'), 'someone else');
  srv = fixture.dir('srv');
  await publishRelease(path.join(srv, 'releases/45/Cloud/x86_64/images'), ['1.9', '1.10']);
  server = await serveDirectory(srv);
});
afterAll(async () => {
  await server?.close();
  fixture.clean();
});
afterEach(space.clean);

async function unpack(options: { cache: string; dir?: string; env?: Record<string, string>; offline?: boolean; arch?: string }) {
  const element = await loadElement('fedora', { searchRoots: [REPO] });
  const targetRoot = space.dir('root');
  const run = await runElementHook(element, 'root', '10-fedora-cloud-image', {
    targetRoot,
    imageCache: options.cache,
    offline: options.offline,
    arch: options.arch,
    outputDir: space.dir('out'),
    env: {
      DIB_RELEASE: '45',
      DIB_CLOUD_IMAGES: server.hostUrl(options.dir ?? 'releases/45/Cloud/x86_64/images'),
      DIB_CLOUD_IMAGE_KEYRING: key.keyring,
      ...options.env,
    },
  });
  return { targetRoot, log: run.log.join('\n'), compose: () => readFileSync(path.join(targetRoot, 'etc/compose'), 'utf8') };
}
const requestsFor = (suffix: string) => server.requests.filter((r) => r.endsWith(suffix)).length;

describe('fedora cloud image', () => {
  it('finds the newest compose (1.10 after 1.9), checks its clearsigned CHECKSUM and unpacks its Generic image; a rebuild downloads nothing new', async () => {
    const cache = space.dir('cache');
    const first = await unpack({ cache });
    expect(first.compose()).toBe('1.10');
    expect(first.log).toContain('the newest file matching');
    expect(first.log).toContain('Fedora-Cloud-45-1.10-x86_64-CHECKSUM is signed by a key in');
    const images = requestsFor(imageName('1.10'));
    expect(images).toBe(1);

    const second = await unpack({ cache });
    expect(second.compose()).toBe('1.10');
    expect(second.log).toContain('not modified since it was cached (304)');
    expect(requestsFor(imageName('1.10'))).toBe(images);
  });

  it('trusts only what the signature covers: a checksum line added outside the signed block is ignored', async () => {
    const dir = path.join(srv, 'appended');
    await publishRelease(dir, ['1.2']);
    const tree = fixture.dir('evil');
    writeFileSync(path.join(tree, 'evil'), 'not what was signed');
    const evil = path.join(dir, imageName('1.99'));
    await execa('mksquashfs', [tree, evil, '-noappend', '-quiet']);
    appendFileSync(path.join(dir, 'Fedora-Cloud-45-1.2-x86_64-CHECKSUM'), `SHA256 (${imageName('1.99')}) = ${sha256(evil)}\n`);
    const r = await unpack({ cache: space.dir('cache'), dir: 'appended' });
    expect(r.compose()).toBe('1.2');
  });

  it('a CHECKSUM signed by another key is refused, and nothing is cached: no checksum file, no image, no compose for --offline', async () => {
    await publishRelease(path.join(srv, 'forged'), ['1.3'], otherKey);
    const cache = space.dir('cache');
    const error = await unpack({ cache, dir: 'forged' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'DIB_E_CLOUD_IMAGE_SIGNATURE' });
    expect(error.message).toContain('Fedora-Cloud-45-1.3-x86_64-CHECKSUM');
    expect(readdirSync(path.join(cache, 'cloud-images/fedora')).filter((f) => !f.endsWith('.lock'))).toEqual([]);
  });

  it('refuses a directory page that now offers an older compose than one a build already used (a mirror holding back updates)', async () => {
    const dir = path.join(srv, 'rollback');
    const cache = space.dir('cache');
    await publishRelease(dir, ['1.5']);
    expect((await unpack({ cache, dir: 'rollback' })).compose()).toBe('1.5');
    rmSync(dir, { recursive: true });
    await publishRelease(dir, ['1.4']);
    const error = await unpack({ cache, dir: 'rollback' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'DIB_E_CLOUD_IMAGE_NOT_LISTED' });
    expect(error.message).toContain('now offers Fedora-Cloud-45-1.4-x86_64-CHECKSUM, older than Fedora-Cloud-45-1.5-x86_64-CHECKSUM');
  });

  it('--offline uses the compose the last online build found, without a request; with nothing cached it says so', async () => {
    const cache = space.dir('cache');
    await unpack({ cache });
    const requests = server.requests.length;
    const offline = await unpack({ cache, offline: true });
    expect(offline.compose()).toBe('1.10');
    expect(server.requests.length).toBe(requests);
    await expect(unpack({ cache: space.dir('empty'), offline: true })).rejects.toMatchObject({ code: 'DIB_E_CLOUD_IMAGE_OFFLINE' });
  });

  it('BASE_IMAGE_FILE picks an older compose the CHECKSUM lists', async () => {
    const dir = path.join(srv, 'pinned');
    await publishRelease(dir, ['1.4']);
    const r = await unpack({ cache: space.dir('cache'), dir: 'pinned', env: { BASE_IMAGE_FILE: imageName('1.4') } });
    expect(r.compose()).toBe('1.4');
  });

  it('a directory without a CHECKSUM for the release, and an architecture Fedora does not build, are refused by name', async () => {
    const error = await unpack({ cache: space.dir('cache'), env: { DIB_RELEASE: '44' } }).catch((e) => e);
    expect(error).toMatchObject({ code: 'DIB_E_CLOUD_IMAGE_NOT_LISTED' });
    expect(error.message).toContain('Fedora-Cloud-44');
    await expect(unpack({ cache: space.dir('cache'), arch: 'armhf' })).rejects.toMatchObject({ code: 'DIB_E_FEDORA_ARCH' });
  });
});

describe('fedora default image directory', () => {
  it("is the release tree on Fedora's download host; secondary architectures have their own", async () => {
    const { defaultCloudImages } = await import('../src/cloud-image.js');
    expect(defaultCloudImages('45', 'x86_64')).toBe('https://download.fedoraproject.org/pub/fedora/linux/releases/45/Cloud/x86_64/images');
    expect(defaultCloudImages('45', 's390x')).toBe('https://download.fedoraproject.org/pub/fedora-secondary/releases/45/Cloud/s390x/images');
  });
});
