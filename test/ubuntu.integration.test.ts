/**
 * The Ubuntu elements built for real against sources on loopback (this machine reaches
 * no Ubuntu host): ubuntu-minimal bootstrapped by mmdebstrap from a signed archive with
 * Ubuntu's suite names, then that tree published as a signed squashfs cloud image and
 * built into a bootable disk by `ubuntu vm`, which boots. The package content is
 * Debian's (see test/ubuntu/archive.ts); every step that differs for Ubuntu (keys,
 * suites, sources, mirror rewrite, kernel choice, cloud image) is the real code path.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootImage,
  hostState,
  leakedSince,
  listTar,
  makeSigningKey,
  readTarFile,
  runDib,
  scratchSpace,
  serveDirectory,
  type DibRun,
  type FileServer,
  type HostState,
  type SigningKey,
} from '@dib/testing';
import { buildEnv, isRoot, NO_INITRAMFS, OUT, VIRTUAL_INITRAMFS } from './helpers.js';
import { startUbuntuArchive, type UbuntuArchive } from './ubuntu/archive.js';

const space = scratchSpace('dib-ubuntu-it');
const minimal = path.join(OUT, 'ubuntu-minimal');
const vm = path.join(OUT, 'ubuntu-vm');
const IMAGE = 'noble-server-cloudimg-amd64.squashfs';
let key: SigningKey;
let archive: UbuntuArchive;
let minimalRun: DibRun;
let before: HostState;

/** dpkg's view of the image: its database unpacked once, then asked per package. */
async function dpkgOf(tar: string) {
  const dir = space.dir('dpkg');
  await execa('tar', ['--extract', '--file', tar, '--directory', dir, './var/lib/dpkg']);
  return async (pkg: string) => (await execa('dpkg', [`--admindir=${dir}/var/lib/dpkg`, '--status', pkg], { reject: false })).stdout;
}

beforeAll(async () => {
  if (!isRoot) return;
  before = await hostState();
  key = await makeSigningKey(space.dir('key'));
  archive = await startUbuntuArchive(space.dir('archive'), key);
  minimalRun = await runDib(['create', '-o', minimal, '-t', 'tar', 'ubuntu-minimal'], {
    // The cloud image made from this tree gets its initramfs in the ubuntu build, which boots.
    env: buildEnv({ DIB_DISTRIBUTION_MIRROR: archive.url, DIB_APT_KEYRING: key.keyring, ...NO_INITRAMFS }),
  });
});
afterAll(async () => {
  await archive?.close();
  space.clean();
});

describe.runIf(isRoot)('ubuntu-minimal from a signed archive with Ubuntu names', () => {
  it('builds', () => {
    expect(minimalRun.exitCode, minimalRun.stderr + minimalRun.stdout.slice(-3000)).toBe(0);
  });

  it('bootstrapped from the archive signed with DIB_APT_KEYRING, and apt in the image trusts that key', async () => {
    const log = readFileSync(`${minimal}.log`, 'utf8');
    expect(log).toContain('making the Ubuntu noble base tree with mmdebstrap');
    expect(log).toMatch(/Get:1 http:\/\/127\.0\.0\.1:\d+ noble InRelease/);
    expect(await listTar(`${minimal}.tar`)).toContain('./etc/apt/trusted.gpg.d/dib-ubuntu-minimal.gpg');
  });

  it("without DIB_APT_KEYRING the same archive is refused: it is not signed by Ubuntu's key", async () => {
    const r = await runDib(['create', '-o', path.join(OUT, 'ubuntu-unsigned'), '-t', 'tar', 'ubuntu-minimal'], {
      env: buildEnv({ DIB_DISTRIBUTION_MIRROR: archive.url }),
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_HOOK_FAILED');
    expect(r.stderr).toMatch(/NO_PUBKEY|is not signed/);
  });

  it('lists the release and its updates, security and backports suites on the mirror', async () => {
    const sources = await readTarFile(`${minimal}.tar`, 'etc/apt/sources.list');
    const mirror = archive.url.replace(/\/$/, '');
    for (const suite of ['noble', 'noble-updates', 'noble-security', 'noble-backports']) expect(sources).toContain(`deb ${mirror} ${suite} main universe`);
  });

  it('installs the kernel DIB_UBUNTU_KERNEL names (linux-image-generic) and the Ubuntu basics', async () => {
    const dpkgStatus = await dpkgOf(`${minimal}.tar`);
    expect(await dpkgStatus('linux-image-generic')).toMatch(/^Status: install ok installed$/m);
    for (const pkg of ['systemd-sysv', 'busybox', 'sudo', 'initramfs-tools']) expect(await dpkgStatus(pkg)).toMatch(/^Status: install ok installed$/m);
    expect(await readTarFile(`${minimal}.tar`, 'etc/hostname')).toBe('ubuntu');
    expect(await readTarFile(`${minimal}.tar`, 'etc/sysctl.d/99-dib-ipv6-stable-addresses.conf')).toContain('net.ipv6.conf.all.use_tempaddr = 0');
    expect(await readTarFile(`${minimal}.tar`, 'etc/dib_environment')).toMatch(/^export DIB_UBUNTU_KERNEL=linux-image-generic$/m);
  });
});

describe.runIf(isRoot)('ubuntu vm from a signed cloud image', () => {
  let images: FileServer;
  let run: DibRun;

  /** The ubuntu-minimal tree published as Canonical publishes a cloud image: noble's deb822 sources on Ubuntu's hosts, squashfs, signed SHA256SUMS. */
  async function publishCloudImage(dir: string) {
    const tree = space.dir('cloud-tree');
    await execa('tar', ['--extract', '--file', `${minimal}.tar`, '--numeric-owner', '--directory', tree]);
    writeFileSync(path.join(tree, 'etc/apt/sources.list'), '# Ubuntu sources have moved to /etc/apt/sources.list.d/ubuntu.sources\n');
    writeFileSync(
      path.join(tree, 'etc/apt/sources.list.d/ubuntu.sources'),
      'Types: deb\nURIs: http://archive.ubuntu.com/ubuntu/\nSuites: noble noble-updates noble-backports\nComponents: main universe\n\n' +
        'Types: deb\nURIs: http://security.ubuntu.com/ubuntu/\nSuites: noble-security\nComponents: main universe\n',
    );
    const published = path.join(dir, 'noble/current');
    mkdirSync(published, { recursive: true });
    await execa('mksquashfs', [tree, path.join(published, IMAGE), '-noappend', '-quiet', '-comp', 'gzip']);
    const sum = createHash('sha256')
      .update(readFileSync(path.join(published, IMAGE)))
      .digest('hex');
    writeFileSync(path.join(published, 'SHA256SUMS'), `${sum} *${IMAGE}\n`);
    await key.sign(path.join(published, 'SHA256SUMS'));
  }

  beforeAll(async () => {
    expect(minimalRun.exitCode).toBe(0);
    const dir = space.dir('cloud-images');
    await publishCloudImage(dir);
    images = await serveDirectory(dir);
    run = await runDib(['create', '-o', vm, '-t', 'qcow2,tar', 'ubuntu', 'vm'], {
      env: buildEnv({
        DIB_CLOUD_IMAGES: images.hostUrl('noble/current'),
        DIB_CLOUD_IMAGE_KEYRING: key.keyring,
        DIB_DISTRIBUTION_MIRROR: archive.url,
        ...VIRTUAL_INITRAMFS,
      }),
    });
  });
  afterAll(async () => {
    await images?.close();
  });

  it('builds, having checked the signed checksum of the image it downloaded', () => {
    expect(run.exitCode, run.stderr + run.stdout.slice(-3000)).toBe(0);
    const log = readFileSync(`${vm}.log`, 'utf8');
    expect(log).toContain('SHA256SUMS is signed by a key in');
    expect(log).toMatch(/unpacking .*noble-server-cloudimg-amd64\.squashfs \(squashfs\) into the image tree/);
    expect(images.requests).toContain(`noble/current/${IMAGE}`);
  });

  it("points the image's deb822 sources at DIB_DISTRIBUTION_MIRROR and installs from it", async () => {
    const sources = await readTarFile(`${vm}.tar`, 'etc/apt/sources.list.d/ubuntu.sources');
    expect(sources.match(/^URIs: .*$/gm)).toEqual([`URIs: ${archive.url}`, `URIs: ${archive.url}`]);
    expect(archive.server.requests.filter((r) => r.startsWith('dists/noble'))).not.toEqual([]);
    // ubuntu's default datasource, as the cloud-init-datasources element received it.
    expect(readFileSync(`${vm}.log`, 'utf8')).toContain('cloud-init will query only: Ec2');
  });

  it('boots to a login prompt', async () => {
    const result = await bootImage({ image: `${vm}.qcow2`, timeoutMs: 8 * 60_000 });
    expect(result.matched, result.console.slice(-3000)).toBe(true);
    console.log(`ubuntu vm booted to login in ${(result.elapsedMs / 1000).toFixed(1)}s (${result.accelerator})`);
  });

  it('leaves no mount or loop device behind', async () => {
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });
});
