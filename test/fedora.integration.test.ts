/**
 * The fedora element built for real against a Fedora-style mirror on loopback (this
 * machine reaches no Fedora host): a Cloud Base qcow2 with Fedora's btrfs layout, its
 * compose found from the directory page and its clearsigned CHECKSUM checked, then dnf
 * in the image installing from RPM repositories made with rpmbuild and createrepo_c,
 * one reached through DIB_DISTRIBUTION_MIRROR and one through DIB_YUM_REPO_CONF. The
 * userland in the image is Debian's with dnf and rpm (test/fedora/cloud-image.ts); the
 * download, signature, disk, mirror, repository and dnf steps are the real code paths.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
} from '@dib/testing';
import { defaultImageCache } from '@dib/core';
import { buildEnv, isRoot, NO_INITRAMFS, OUT } from './helpers.js';
import { publishFedoraCloudImage } from './fedora/cloud-image.js';
import { makeRpmRepo } from './fedora/rpm-repo.js';

const space = scratchSpace('dib-fedora-it');
const userland = path.join(OUT, 'fedora-userland');
const output = path.join(OUT, 'fedora');
const IMAGES = 'releases/45/Cloud/x86_64/images';
let before: HostState;
let server: FileServer;
let userlandRun: DibRun;
let run: DibRun;

describe.runIf(isRoot)('fedora from a signed Cloud Base image, with dnf from mirrored repositories', () => {
  beforeAll(async () => {
    before = await hostState();
    const srv = space.dir('srv');
    server = await serveDirectory(srv);
    const key = await makeSigningKey(space.dir('key'), 'Fedora (45) test');
    userlandRun = await runDib(['create', '-o', userland, '-t', 'tar', 'debian-minimal', 'fedora-userland'], { env: buildEnv(NO_INITRAMFS) });
    expect(userlandRun.exitCode, userlandRun.stderr).toBe(0);
    await publishFedoraCloudImage(`${userland}.tar`, path.join(srv, IMAGES), space.dir('disk-work'), key);
    const rpmWork = space.dir('rpmbuild');
    await makeRpmRepo(path.join(srv, 'mirror/releases/45/Everything/x86_64/os'), rpmWork, [
      { name: 'dib-fedora-marker', files: { '/etc/dib-fedora-marker': 'installed by dnf from the mirror' } },
    ]);
    await makeRpmRepo(path.join(srv, 'mirror/updates/45/Everything/x86_64'), rpmWork, []);
    await makeRpmRepo(path.join(srv, 'extra'), rpmWork, [{ name: 'dib-extra-tool', files: { '/usr/share/dib-extra-tool/README': 'from DIB_YUM_REPO_CONF' } }]);
    const extraRepo = path.join(space.dir('host-repos'), 'dib-extra.repo');
    writeFileSync(extraRepo, `[dib-extra]\nname=dib extra\nbaseurl=${server.hostUrl('extra')}\ngpgcheck=0\n`);
    run = await runDib(['create', '-o', output, '-t', 'tar', 'fedora', 'fedora-test-packages'], {
      env: buildEnv({
        DIB_RELEASE: '45',
        DIB_CLOUD_IMAGES: server.hostUrl(IMAGES),
        DIB_CLOUD_IMAGE_KEYRING: key.keyring,
        DIB_DISTRIBUTION_MIRROR: server.hostUrl('mirror'),
        DIB_YUM_REPO_CONF: extraRepo,
      }),
    });
  });
  afterAll(async () => {
    await server?.close();
    space.clean();
  });

  it('builds from the compose the directory lists, having checked its clearsigned CHECKSUM', () => {
    expect(run.exitCode, run.stderr + run.stdout.slice(-3000)).toBe(0);
    const log = readFileSync(`${output}.log`, 'utf8');
    expect(log).toContain('the newest file matching');
    expect(log).toContain('Fedora-Cloud-45-1.2-x86_64-CHECKSUM is signed by a key in');
    expect(log).toMatch(/Fedora-Cloud-Base-Generic-45-1\.2\.x86_64\.qcow2 \(qcow2\)/);
  });

  it('unpacks the btrfs root subvolume, with /boot from its ext4 and /var and /home from their subvolumes', async () => {
    const entries = await listTar(`${output}.tar`);
    expect(entries.some((e) => /^\.?\/?boot\/vmlinuz-/.test(e))).toBe(true);
    expect(entries.some((e) => /^\.?\/?var\/lib\/dpkg\/status$/.test(e))).toBe(true);
    expect(await readTarFile(`${output}.tar`, 'etc/fstab')).toMatch(/ \/var btrfs subvol=var/);
  });

  it('installs with dnf from the mirror (metalinks replaced) and from DIB_YUM_REPO_CONF, which leaves with the build', async () => {
    expect(await readTarFile(`${output}.tar`, 'etc/dib-fedora-marker')).toBe('installed by dnf from the mirror');
    expect(await readTarFile(`${output}.tar`, 'usr/share/dib-extra-tool/README')).toBe('from DIB_YUM_REPO_CONF');
    const fedoraRepo = await readTarFile(`${output}.tar`, 'etc/yum.repos.d/fedora.repo');
    expect(fedoraRepo).toContain(`baseurl=${server.hostUrl('mirror')}/releases/$releasever/Everything/$basearch/os/`);
    expect(fedoraRepo).not.toContain('metalink');
    const repos = (await listTar(`${output}.tar`)).filter((e) => e.includes('etc/yum.repos.d/') && e.endsWith('.repo'));
    expect(repos.map((e) => path.basename(e)).sort()).toEqual(['fedora-updates.repo', 'fedora.repo']);
    expect(server.requests).toContain('mirror/releases/45/Everything/x86_64/os/repodata/repomd.xml');
  });

  it('records the RPMs in the manifests and keeps the downloads in the shared dnf cache', () => {
    expect(readFileSync(`${output}.d/dib-packages`, 'utf8')).toMatch(/^dib-fedora-marker\tnoarch\t0:1\.0-1$/m);
    expect(readFileSync(`${output}.d/dib-manifest-rpm-fedora`, 'utf8')).toContain('"package": "dib-extra-tool"');
    const cached = path.join(defaultImageCache(process.env), 'dnf/fedora-45-amd64');
    const rpms = readdirSync(cached, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.rpm'));
    // dnf keeps one directory per repository URL: earlier runs' (other ports) may be there too.
    expect(new Set(rpms.map((f) => path.basename(f)))).toEqual(new Set(['dib-extra-tool-1.0-1.noarch.rpm', 'dib-fedora-marker-1.0-1.noarch.rpm']));
  });

  it('leaves no mount or loop device behind', async () => {
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });
});
