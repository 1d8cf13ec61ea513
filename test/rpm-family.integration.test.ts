/**
 * The RPM distributions built for real against sources on loopback (this machine reaches
 * no Fedora or Red Hat host). One userland tree (Debian's, with dnf and rpm: the
 * fedora-userland test element) is laid out as each distribution publishes its images
 * (test/rpm/guest-disk.ts):
 * - fedora: a Cloud Base qcow2 with Fedora's btrfs layout, its compose found from the
 *   directory page and its clearsigned CHECKSUM checked, then dnf in the image installing
 *   from RPM repositories made with rpmbuild and createrepo_c, one reached through
 *   DIB_DISTRIBUTION_MIRROR and one through DIB_YUM_REPO_CONF;
 * - rhel: a KVM guest qcow2 with RHEL's xfs layout given as DIB_LOCAL_IMAGE, registered
 *   by a stand-in subscription-manager that records its command lines.
 * The download, signature, disk, mirror, registration, repository and dnf steps are the
 * real code paths.
 */
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootImage,
  findOvmf,
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
import { defaultImageCache } from '@dib/core';
import { buildEnv, isRoot, NO_INITRAMFS, OUT } from './helpers.js';
import { makeGuestDisk } from './rpm/guest-disk.js';
import { publishFedoraCompose } from './rpm/fedora-mirror.js';
import { makeRpmRepo, makeTreeRpm } from './rpm/rpm-repo.js';
import { FEDORA_MINIMAL_PACKAGES } from '@dib/element-fedora-minimal';

const space = scratchSpace('dib-rpm-it');
const userland = path.join(OUT, 'fedora-userland');
const IMAGES = 'releases/45/Cloud/x86_64/images';
const BOOT_TIMEOUT = 8 * 60_000;
const BOOTLOADER_RPMS = ['grub2-pc', 'grub2-pc-modules', 'grub2-efi-x64', 'grub2-efi-x64-modules', 'grub2-tools'];
const FILE_CONTEXTS = [
  '/.*\tsystem_u:object_r:default_t:s0',
  '/etc(/.*)?\tsystem_u:object_r:etc_t:s0',
  '/etc/shadow.*\tsystem_u:object_r:shadow_t:s0',
  '/usr(/.*)?\tsystem_u:object_r:usr_t:s0',
  '',
].join('\n');

/** The SELinux label of each file in a tar, as extracted with its extended attributes. */
async function labelsIn(tar: string, files: string[]): Promise<string[]> {
  const dir = space.dir('labels');
  await execa('tar', ['--extract', '--xattrs', '--xattrs-include=*', '--file', tar, '--directory', dir, ...files.map((f) => `./${f}`)]);
  const script = 'import os,sys\nfor f in sys.argv[1:]: print(os.getxattr(f, "security.selinux").rstrip(b"\\0").decode())';
  return (await execa('python3', ['-c', script, ...files.map((f) => path.join(dir, f))])).stdout.split('\n');
}
let before: HostState;
let srv: string;
let server: FileServer;
/** A .repo file on the host for DIB_YUM_REPO_CONF: the repository holding dib-extra-tool. */
let extraRepo: string;
/** A directory of .repo files for DIB_YUM_MINIMAL_BOOTSTRAP_REPOS: the repository holding the userland as one RPM. */
let bootstrapRepos: string;
let key: SigningKey;

beforeAll(async () => {
  if (!isRoot) return;
  before = await hostState();
  srv = space.dir('srv');
  server = await serveDirectory(srv);
  // One throwaway key signs what Fedora signs: the CHECKSUM files and every package.
  key = await makeSigningKey(space.dir('key'), 'Fedora (45) test');
  const userlandRun = await runDib(['create', '-o', userland, '-t', 'tar', 'debian-minimal', 'fedora-userland'], {
    env: buildEnv({ ...NO_INITRAMFS, DIB_TEST_RPM_GPG_KEY: key.armored }),
  });
  expect(userlandRun.exitCode, userlandRun.stderr).toBe(0);
  const rpmWork = space.dir('rpmbuild');
  await makeRpmRepo(
    path.join(srv, 'mirror/releases/45/Everything/x86_64/os'),
    rpmWork,
    [
      { name: 'dib-fedora-marker', files: { '/etc/dib-fedora-marker': 'installed by dnf from the mirror' } },
      // Two kernels: dnf keeps both side by side (installonly), and the build keeps the newest.
      ...['6.0', '6.1', '6.2'].map((version) => ({
        name: 'kernel-core',
        version,
        provides: ['installonlypkg(kernel)'],
        files: { [`/usr/lib/modules/${version}.0/dib-test-kernel`]: `kernel ${version}` },
      })),
    ],
    key,
  );
  await makeRpmRepo(path.join(srv, 'mirror/updates/45/Everything/x86_64'), rpmWork, [], key);
  await makeRpmRepo(
    path.join(srv, 'extra'),
    rpmWork,
    [
      { name: 'dib-extra-tool', files: { '/usr/share/dib-extra-tool/README': 'from DIB_YUM_REPO_CONF' } },
      // The names the bootloader asks dnf for, in the one repository both vm builds reach;
      // GRUB itself is the userland's (Debian's).
      ...BOOTLOADER_RPMS.map((name) => ({ name, files: { [`/usr/share/doc/${name}/dib-fixture`]: "GRUB is the fixture userland's" } })),
      // Two streams of one module, as RHEL's AppStream has them: DIB_DNF_MODULE_STREAMS picks one.
      ...['2.0', '3.0'].map((version) => ({
        name: 'dib-module-tool',
        version,
        module: { name: 'dibtest', stream: version.split('.')[0] },
        files: { '/usr/share/dib-module-tool/VERSION': version },
      })),
    ],
    key,
  );
  copyFileSync(key.armored, path.join(srv, 'extra/RPM-GPG-KEY-dib-extra'));
  const userlandRepo = path.join(srv, 'bootstrap');
  await makeTreeRpm(userlandRepo, space.dir('tree-rpm'), 'fixture-userland', `${userland}.tar`, FEDORA_MINIMAL_PACKAGES);
  await makeRpmRepo(userlandRepo, rpmWork, [], key);
  // The host's dnf checks the bootstrap's packages against the key file; the image's dnf
  // imports the extra repository's key from its URL.
  bootstrapRepos = space.dir('bootstrap-repos');
  writeFileSync(
    path.join(bootstrapRepos, 'fixture.repo'),
    `[fixture]\nname=fixture\nbaseurl=${server.hostUrl('bootstrap')}\ngpgcheck=1\ngpgkey=file://${key.armored}\n`,
  );
  extraRepo = path.join(space.dir('host-repos'), 'dib-extra.repo');
  writeFileSync(
    extraRepo,
    `[dib-extra]\nname=dib extra\nbaseurl=${server.hostUrl('extra')}\ngpgcheck=1\ngpgkey=${server.hostUrl('extra/RPM-GPG-KEY-dib-extra')}\n`,
  );
});
afterAll(async () => {
  await server?.close();
  space.clean();
});

describe.runIf(isRoot)('fedora from a signed Cloud Base image, with dnf from mirrored repositories', () => {
  const output = path.join(OUT, 'fedora');
  let run: DibRun;
  beforeAll(async () => {
    const images = path.join(srv, IMAGES);
    mkdirSync(images, { recursive: true });
    const qcow2 = path.join(images, 'fedora.qcow2');
    // Fedora ships an enforcing targeted policy; a few of its rules stand in for it.
    await makeGuestDisk(
      'fedora',
      `${userland}.tar`,
      qcow2,
      space.dir('fedora-disk'),
      (tree) => {
        mkdirSync(path.join(tree, 'etc/selinux/targeted/contexts/files'), { recursive: true });
        writeFileSync(path.join(tree, 'etc/selinux/config'), 'SELINUX=enforcing\nSELINUXTYPE=targeted\n');
        writeFileSync(path.join(tree, 'etc/selinux/targeted/contexts/files/file_contexts'), FILE_CONTEXTS);
      },
      true,
    );
    await publishFedoraCompose(images, qcow2, key);
    // A disk with both BIOS boot code and an ESP (block-device-efi), booted both ways below.
    run = await runDib(['create', '-o', output, '-t', 'tar,qcow2', 'fedora', 'fedora-test-packages', 'vm', 'block-device-efi', 'issue-marker'], {
      env: buildEnv({
        DIB_RELEASE: '45',
        DIB_DRACUT_INITRAMFS_MODULES: 'virtual',
        DIB_CLOUD_IMAGES: server.hostUrl(IMAGES),
        DIB_CLOUD_IMAGE_KEYRING: key.keyring,
        DIB_DISTRIBUTION_MIRROR: server.hostUrl('mirror'),
        DIB_YUM_REPO_CONF: extraRepo,
      }),
    });
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
    // Read from the guest image's fstab; the disk built here has dib's own.
    const log = readFileSync(`${output}.log`, 'utf8');
    for (const mount of ['/var: btrfs var', '/boot: ext4 (whole filesystem)', '/home: btrfs home']) expect(log).toContain(`guest image ${mount}`);
    expect(await readTarFile(`${output}.tar`, 'etc/fstab')).toMatch(/^LABEL=cloudimg-rootfs \/ ext4 /m);
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

  it("labels the finished tree from the image's SELinux policy, the files dnf installed included", async () => {
    expect(await labelsIn(`${output}.tar`, ['etc/dib-fedora-marker', 'etc/shadow', 'usr/share/dib-extra-tool/README'])).toEqual([
      'system_u:object_r:etc_t:s0',
      'system_u:object_r:shadow_t:s0',
      'system_u:object_r:usr_t:s0',
    ]);
    expect(readFileSync(`${output}.log`, 'utf8')).toContain('selinux: labelling the tree from the targeted policy (SELINUX=enforcing)');
  });

  it('keeps only the newest of the three kernels dnf installed side by side', () => {
    const packages = readFileSync(`${output}.d/dib-packages`, 'utf8');
    expect(packages).toMatch(/^kernel-core\tnoarch\t0:6\.2-1\t\d+$/m);
    expect(packages.match(/^kernel-core\t/gm)).toHaveLength(1);
    expect(readFileSync(`${output}.log`, 'utf8')).toContain('yum: removing old kernels: kernel-core-6.0-1.noarch kernel-core-6.1-1.noarch');
  });

  it('records the RPMs in the manifests and keeps the downloads in the shared dnf cache', () => {
    expect(readFileSync(`${output}.d/dib-packages`, 'utf8')).toMatch(/^dib-fedora-marker\tnoarch\t0:1\.0-1\t\d+$/m);
    expect(readFileSync(`${output}.d/dib-manifest-rpm-fedora`, 'utf8')).toContain('"package": "dib-extra-tool"');
    const cached = path.join(defaultImageCache(process.env), 'dnf/fedora-45-amd64');
    const rpms = readdirSync(cached, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.rpm'));
    // dnf keeps one directory per repository URL: earlier runs' (other ports) may be there too.
    expect([...new Set(rpms.map((f) => path.basename(f)))]).toEqual(
      expect.arrayContaining(['dib-extra-tool-1.0-1.noarch.rpm', 'dib-fedora-marker-1.0-1.noarch.rpm']),
    );
  });
  it("boots with the RPM distributions' layout: dracut's initramfs, /boot/grub2 and Boot Loader Specification entries", async () => {
    const version = (await listTar(`${output}.tar`)).map((e) => /boot\/vmlinuz-(.+)$/.exec(e)?.[1]).find(Boolean);
    expect(version).toBeTruthy();
    const entry = await readTarFile(`${output}.tar`, `boot/loader/entries/fedora-${version}.conf`);
    expect(entry).toContain(`linux /boot/vmlinuz-${version}\ninitrd /boot/initramfs-${version}.img\n`);
    expect(entry).toMatch(/^options root=LABEL=cloudimg-rootfs ro console=tty0 console=ttyS0,115200 /m);
    expect(await readTarFile(`${output}.tar`, 'etc/kernel/cmdline')).toMatch(/^root=LABEL=cloudimg-rootfs ro /);
    expect(await readTarFile(`${output}.tar`, 'etc/default/grub')).toContain('GRUB_ENABLE_BLSCFG="true"');
    // The fixture's GRUB (Debian's) has no blscfg, so the entry is in grub.cfg as well.
    expect(await readTarFile(`${output}.tar`, 'boot/grub2/grub.cfg')).toContain(`initrd /boot/initramfs-${version}.img`);
    expect((await listTar(`${output}.tar`)).some((e) => /boot\/grub\/grub\.cfg$/.test(e))).toBe(false);
    expect(await readTarFile(`${output}.tar`, 'etc/dracut.conf.d/90-dib-drivers.conf')).toContain('virtio_blk');
    expect(readFileSync(`${output}.log`, 'utf8')).toContain(`yum: making /boot/initramfs-${version}.img with dracut (virtual)`);
  });

  // Each QEMU under TCG is one busy thread, and this host has two cores.
  it.runIf(!!findOvmf()).concurrent('boots to its login prompt under UEFI', async () => {
    const result = await bootImage({ image: `${output}.qcow2`, uefi: true, expect: 'dib-test-image-marker', timeoutMs: BOOT_TIMEOUT });
    expect(result.matched, result.console.slice(-3000)).toBe(true);
    console.log(`UEFI boot of ${output}.qcow2 reached its marker in ${(result.elapsedMs / 1000).toFixed(1)}s`);
  });

  it.concurrent('boots to its login prompt under BIOS', async () => {
    const result = await bootImage({ image: `${output}.qcow2`, expect: 'dib-test-image-marker', timeoutMs: BOOT_TIMEOUT });
    expect(result.matched, result.console.slice(-3000)).toBe(true);
    console.log(`BIOS boot of ${output}.qcow2 reached its marker in ${(result.elapsedMs / 1000).toFixed(1)}s`);
  });
});

describe.runIf(isRoot)("fedora-minimal bootstrapped by the host's dnf", () => {
  const output = path.join(OUT, 'fedora-minimal');
  let run: DibRun;
  beforeAll(async () => {
    run = await runDib(['create', '-o', output, '-t', 'tar', 'fedora-minimal', 'fedora-test-packages'], {
      env: buildEnv({
        DIB_RELEASE: '45',
        DIB_DISABLE_KERNEL_CLEANUP: '1',
        DIB_YUM_MINIMAL_BOOTSTRAP_REPOS: bootstrapRepos,
        DIB_DISTRIBUTION_MIRROR: server.hostUrl('mirror'),
        DIB_YUM_REPO_CONF: extraRepo,
      }),
    });
  });

  it("installs the release's minimal set into the tree, then the image's own dnf installs from the mirror", async () => {
    expect(run.exitCode, run.stderr + run.stdout.slice(-3000)).toBe(0);
    expect(readFileSync(`${output}.log`, 'utf8')).toContain(
      `installing Fedora 45 (x86_64) into the tree with the host's dnf: ${FEDORA_MINIMAL_PACKAGES.join(' ')}`,
    );
    expect(await readTarFile(`${output}.tar`, 'etc/dib-fedora-marker')).toBe('installed by dnf from the mirror');
    expect(await readTarFile(`${output}.tar`, 'usr/share/dib-extra-tool/README')).toBe('from DIB_YUM_REPO_CONF');
    const packages = readFileSync(`${output}.d/dib-packages`, 'utf8');
    expect(packages).toMatch(/^fixture-userland\tx86_64\t0:1\.0-1\t\d+$/m);
    expect(packages).toMatch(/^dib-fedora-marker\tnoarch\t/m);
    // DIB_DISABLE_KERNEL_CLEANUP=1: every kernel stays.
    expect(packages.match(/^kernel-core\t/gm)).toHaveLength(3);
  });
});

describe.runIf(isRoot)('rhel vm from a guest image given as DIB_LOCAL_IMAGE, registered for the build', () => {
  const output = path.join(OUT, 'rhel');
  const PASSWORD = 'pw-never-in-the-image-7f3a';
  /** Where the stand-in records its command lines: the chroot's /dev is the host's. */
  const calls = `/dev/dib-test-subscription-manager-${process.pid}`;
  let run: DibRun;
  beforeAll(async () => {
    const qcow2 = path.join(space.dir('rhel-image'), 'rhel-9.6-x86_64-kvm.qcow2');
    await makeGuestDisk(
      'rhel',
      `${userland}.tar`,
      qcow2,
      space.dir('rhel-disk'),
      (tree) => {
        for (const repo of readdirSync(path.join(tree, 'etc/yum.repos.d'))) rmSync(path.join(tree, 'etc/yum.repos.d', repo));
        writeFileSync(
          path.join(tree, 'etc/os-release'),
          'NAME="Red Hat Enterprise Linux"\nID="rhel"\nVERSION_ID="9.6"\nPRETTY_NAME="Red Hat Enterprise Linux 9.6 (dib test userland)"\n',
        );
        const standIn = path.join(tree, 'usr/sbin/subscription-manager');
        writeFileSync(
          standIn,
          [
            '#!/bin/sh',
            '# dib test stand-in for subscription-manager: records its command line, keeps a consumer certificate while registered.',
            `printf '%s\\n' "$*" >> ${calls}`,
            'case "$1" in',
            '  register) mkdir -p /etc/pki/consumer && echo consumer > /etc/pki/consumer/cert.pem ;;',
            '  unregister|clean) rm -f /etc/pki/consumer/cert.pem ;;',
            'esac',
            '',
          ].join('\n'),
        );
        chmodSync(standIn, 0o755);
      },
      true,
    );
    run = await runDib(['create', '-o', output, '-t', 'tar', 'rhel', 'rhel-test-packages', 'vm'], {
      env: buildEnv({
        DIB_LOCAL_IMAGE: qcow2,
        DIB_DRACUT_INITRAMFS_MODULES: 'virtual',
        DIB_YUM_REPO_CONF: extraRepo,
        REG_METHOD: 'portal',
        REG_USER: 'ops',
        REG_PASSWORD: PASSWORD,
        REG_POOL_ID: 'pool42',
        DIB_DNF_MODULE_STREAMS: 'dibtest:2',
        DIB_DEBUG_TRACE: '1',
      }),
    });
  });
  afterAll(() => rmSync(calls, { force: true }));

  it('builds from the xfs guest image and installs with dnf from DIB_YUM_REPO_CONF', async () => {
    expect(run.exitCode, run.stderr + run.stdout.slice(-3000)).toBe(0);
    expect(readFileSync(`${output}.log`, 'utf8')).toMatch(/unpacking .*rhel-9\.6-x86_64-kvm\.qcow2 \(qcow2\)/);
    expect(await readTarFile(`${output}.tar`, 'usr/share/dib-extra-tool/README')).toBe('from DIB_YUM_REPO_CONF');
    expect((await listTar(`${output}.tar`)).some((e) => /^\.?\/?boot\/vmlinuz-/.test(e))).toBe(true);
  });

  it("gets the RPM boot layout on RHEL's xfs root too: dracut's initramfs, /boot/grub2, an entry named by os-release's ID", async () => {
    const entries = await listTar(`${output}.tar`);
    const version = entries.map((e) => /boot\/vmlinuz-(.+)$/.exec(e)?.[1]).find(Boolean);
    expect(entries).toEqual(expect.arrayContaining([`./boot/initramfs-${version}.img`, './boot/grub2/i386-pc/core.img']));
    const entry = await readTarFile(`${output}.tar`, `boot/loader/entries/rhel-${version}.conf`);
    expect(entry).toContain(`initrd /boot/initramfs-${version}.img`);
    expect(await readTarFile(`${output}.tar`, 'etc/kernel/entry-token')).toBe('rhel');
  });

  it("installs a modular package from the stream DIB_DNF_MODULE_STREAMS enables, not the repository's newest", async () => {
    expect(await readTarFile(`${output}.tar`, 'usr/share/dib-module-tool/VERSION')).toBe('2.0');
    expect(readFileSync(`${output}.log`, 'utf8')).toContain('yum: module dibtest: dibtest:2');
  });

  it('registers, attaches, enables only BaseOS and AppStream, and unregisters at the end', () => {
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
      `register --username=ops --password=${PASSWORD}`,
      'attach --pool=pool42',
      'repos --disable=*',
      'repos --enable rhel-9-for-x86_64-baseos-rpms --enable rhel-9-for-x86_64-appstream-rpms',
      'unregister',
      'clean',
    ]);
  });

  it('keeps the password out of the log, the manifests and the image, traced or not', async () => {
    const log = readFileSync(`${output}.log`, 'utf8');
    expect(log).toContain('--username=ops --password=***');
    expect(log).not.toContain(PASSWORD);
    for (const file of readdirSync(`${output}.d`)) expect(readFileSync(path.join(`${output}.d`, file), 'utf8'), file).not.toContain(PASSWORD);
    const inImage = await execa('grep', ['--count', '--binary-files=text', PASSWORD, `${output}.tar`], { reject: false });
    expect(inImage.stdout.trim()).toBe('0');
    expect((await listTar(`${output}.tar`)).some((e) => e.endsWith('etc/pki/consumer/cert.pem'))).toBe(false);
  });
});

describe.runIf(isRoot)('after the RPM builds', () => {
  it('leaves no mount or loop device behind', async () => {
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });
});
