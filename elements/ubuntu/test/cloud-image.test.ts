/**
 * The ubuntu element's root hook against a cloud-image server on loopback: a real
 * squashfs, a SHA256SUMS signed by a throwaway key with real gpg, fetched with real
 * curl and checked with real gpgv. What a user sees: the tree unpacked, the cache
 * reused (304, no second download), and every bad download refused with nothing cached.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadElement, makeSigningKey, runElementHook, scratchSpace, serveDirectory, type FileServer, type SigningKey } from '@dib/testing';

const REPO = path.resolve(import.meta.dirname, '../../..');
const IMAGE = 'noble-server-cloudimg-amd64.squashfs';
const space = scratchSpace('dib-ubuntu');
const fixture = scratchSpace('dib-ubuntu-fixture');
let key: SigningKey;
let otherKey: SigningKey;
let srv: string;
let server: FileServer;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A squashfs holding one file, published as Ubuntu publishes it: image, SHA256SUMS, SHA256SUMS.gpg. */
async function publish(dir: string, content: string, signer = key) {
  const tree = fixture.dir('tree');
  mkdirSync(path.join(tree, 'etc'), { recursive: true });
  writeFileSync(path.join(tree, 'etc/cloud-image-marker'), content);
  mkdirSync(dir, { recursive: true });
  const image = path.join(dir, IMAGE);
  await execa('mksquashfs', [tree, image, '-noappend', '-quiet', '-all-root']);
  writeFileSync(path.join(dir, 'SHA256SUMS'), `${sha256(image)} *${IMAGE}\n${'0'.repeat(64)} *noble-server-cloudimg-arm64.squashfs\n`);
  await signer.sign(path.join(dir, 'SHA256SUMS'));
}

beforeAll(async () => {
  const keys = fixture.dir('keys');
  key = await makeSigningKey(path.join(keys, 'good'));
  otherKey = await makeSigningKey(path.join(keys, 'other'), 'someone else');
  srv = fixture.dir('srv');
  await publish(path.join(srv, 'noble/current'), 'the published image');
  server = await serveDirectory(srv);
});
afterAll(async () => {
  await server?.close();
  fixture.clean();
});
afterEach(space.clean);

async function unpack(options: { cache: string; dir?: string; env?: Record<string, string>; offline?: boolean }) {
  const element = await loadElement('ubuntu', { searchRoots: [REPO] });
  const targetRoot = space.dir('root');
  const run = await runElementHook(element, 'root', '10-ubuntu-cloud-image', {
    targetRoot,
    imageCache: options.cache,
    offline: options.offline,
    outputDir: space.dir('out'),
    env: {
      DIB_RELEASE: 'noble',
      DIB_CLOUD_IMAGES: server.hostUrl(options.dir ?? 'noble/current'),
      DIB_CLOUD_IMAGE_KEYRING: key.keyring,
      ...options.env,
    },
  });
  return { targetRoot, log: run.log.join('\n') };
}
const cachedFiles = (cache: string) => readdirSync(path.join(cache, 'cloud-images/ubuntu')).sort();
const imageRequests = () => server.requests.filter((r) => r.endsWith(IMAGE)).length;

describe('ubuntu cloud image', () => {
  it('downloads, verifies and unpacks the image; a second build revalidates with a 304 and downloads nothing', async () => {
    const cache = space.dir('cache');
    const before = imageRequests();
    const first = await unpack({ cache });
    expect(readFileSync(path.join(first.targetRoot, 'etc/cloud-image-marker'), 'utf8')).toBe('the published image');
    expect(first.log).toContain('SHA256SUMS is signed by a key in');
    expect(imageRequests()).toBe(before + 1);

    const second = await unpack({ cache });
    expect(readFileSync(path.join(second.targetRoot, 'etc/cloud-image-marker'), 'utf8')).toBe('the published image');
    expect(second.log).toContain('SHA256SUMS not modified since it was cached (304)');
    expect(second.log).toContain(`using cached ${path.join(cache, 'cloud-images/ubuntu', IMAGE)}: it matches the signed checksum`);
    expect(imageRequests()).toBe(before + 1);
    expect(cachedFiles(cache).filter((f) => !f.endsWith('.lock'))).toHaveLength(3);
  });

  it('--offline uses the cache without a request, and refuses clearly when the cache is empty', async () => {
    const cache = space.dir('cache');
    await unpack({ cache });
    const requests = server.requests.length;
    const offline = await unpack({ cache, offline: true });
    expect(readFileSync(path.join(offline.targetRoot, 'etc/cloud-image-marker'), 'utf8')).toBe('the published image');
    expect(server.requests.length).toBe(requests);
    await expect(unpack({ cache: space.dir('empty'), offline: true })).rejects.toMatchObject({ code: 'DIB_E_CLOUD_IMAGE_OFFLINE' });
  });

  it('a cached image that was corrupted is detected and downloaded again', async () => {
    const cache = space.dir('cache');
    await unpack({ cache });
    const cached = path.join(cache, 'cloud-images/ubuntu', IMAGE);
    const bytes = readFileSync(cached);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(cached, bytes);
    const again = await unpack({ cache });
    expect(again.log).toContain('does not match the checksum');
    expect(readFileSync(path.join(again.targetRoot, 'etc/cloud-image-marker'), 'utf8')).toBe('the published image');
  });

  it('an image that does not match its signed checksum is refused, and nothing is cached under its name', async () => {
    const dir = path.join(srv, 'tampered');
    await publish(dir, 'the published image');
    // A mirror serving another image under the signed name.
    const tree = fixture.dir('evil');
    writeFileSync(path.join(tree, 'evil'), 'not what was signed');
    await execa('mksquashfs', [tree, path.join(dir, IMAGE), '-noappend', '-quiet']);
    const cache = space.dir('cache');
    const error = await unpack({ cache, dir: 'tampered' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'DIB_E_CLOUD_IMAGE_CHECKSUM' });
    expect(error.message).toMatch(/has sha256 [0-9a-f]{64}, but its signed checksum is [0-9a-f]{64}/);
    expect(cachedFiles(cache).filter((f) => f.includes(IMAGE) && !f.endsWith('.lock'))).toEqual([]);
  });

  it('a checksum file signed by another key is refused, and neither it nor the image is cached', async () => {
    await publish(path.join(srv, 'forged'), 'the published image', otherKey);
    const cache = space.dir('cache');
    const error = await unpack({ cache, dir: 'forged' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'DIB_E_CLOUD_IMAGE_SIGNATURE' });
    expect(error.message).toContain('SHA256SUMS');
    expect(cachedFiles(cache).filter((f) => !f.endsWith('.lock'))).toEqual([]);
  });

  it('two builds sharing a cache download the image once', async () => {
    const cache = space.dir('cache');
    const before = imageRequests();
    const [a, b] = await Promise.all([unpack({ cache }), unpack({ cache })]);
    for (const r of [a, b]) expect(readFileSync(path.join(r.targetRoot, 'etc/cloud-image-marker'), 'utf8')).toBe('the published image');
    expect(imageRequests()).toBe(before + 1);
  });

  it('a release the server does not publish is a download error naming the URL', async () => {
    const error = await unpack({ cache: space.dir('cache'), dir: 'missing' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'DIB_E_CLOUD_IMAGE_DOWNLOAD' });
    expect(error.message).toContain(`${server.hostUrl('missing/SHA256SUMS')}: the server answered with an HTTP error`);
  });

  it('an image the checksum file does not list is named', async () => {
    const error = await unpack({ cache: space.dir('cache'), env: { BASE_IMAGE_FILE: 'noble-server-cloudimg-s390x.squashfs' } }).catch((e) => e);
    expect(error).toMatchObject({ code: 'DIB_E_CLOUD_IMAGE_NOT_LISTED' });
  });

  it('DIB_LOCAL_IMAGE is unpacked without a download; a missing one, or a qcow2 holding no system, is refused', async () => {
    const requests = server.requests.length;
    const local = path.join(srv, 'noble/current', IMAGE);
    const r = await unpack({ cache: space.dir('cache'), env: { DIB_LOCAL_IMAGE: local } });
    expect(existsSync(path.join(r.targetRoot, 'etc/cloud-image-marker'))).toBe(true);
    expect(server.requests.length).toBe(requests);
    await expect(unpack({ cache: space.dir('cache'), env: { DIB_LOCAL_IMAGE: '/nonexistent/image.squashfs' } })).rejects.toMatchObject({
      code: 'DIB_E_CLOUD_IMAGE_LOCAL_MISSING',
    });
    const qcow2 = path.join(space.dir('qcow2'), 'disk.qcow2');
    await execa('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '16M']);
    await expect(unpack({ cache: space.dir('cache'), env: { DIB_LOCAL_IMAGE: qcow2 } })).rejects.toMatchObject({ code: 'DIB_E_CLOUD_IMAGE_FORMAT' });
  });
});
