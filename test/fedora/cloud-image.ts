/**
 * A Fedora-style Cloud Base image published on loopback, as Fedora's mirrors publish
 * one (this machine reaches no Fedora host): a qcow2 with Fedora 41-43's layout (GPT:
 * BIOS boot, ESP, /boot on ext4, a btrfs labelled "fedora" whose subvolumes root, home
 * and var are mounted by UUID), the compose's CHECKSUM clearsigned by a test key, and
 * an index page linking both. The userland inside is a Debian tree with dnf and rpm.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { SigningKey } from '@dib/testing';

export interface PublishedImage {
  /** The image's file name, as Fedora names it. */
  image: string;
  /** The compose's CHECKSUM file name. */
  checksum: string;
}

const GPT_TYPES = {
  biosBoot: '21686148-6449-6E6F-744E-656564454649',
  esp: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  linux: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
};
const MiB = 1024 * 1024;

async function duBytes(dir: string): Promise<number> {
  return Number((await execa('du', ['-sb', dir])).stdout.split('\t')[0]);
}

/** The btrfs root: subvolumes root, home and var, the tree split between root and var. */
async function btrfsRoot(work: string, tree: string, uuid: string): Promise<string> {
  const img = path.join(work, 'root.img');
  const size = Math.ceil(((await duBytes(tree)) * 1.6) / MiB + 256);
  await execa('truncate', ['-s', `${size}M`, img]);
  await execa('mkfs.btrfs', ['-q', '-U', uuid, '-L', 'fedora', img]);
  const mnt = path.join(work, 'mnt');
  mkdirSync(mnt);
  await execa('mount', ['-o', 'loop', img, mnt]);
  try {
    for (const sub of ['root', 'home', 'var']) await execa('btrfs', ['subvolume', 'create', path.join(mnt, sub)]);
    await execa('tar', ['--create', '--file', path.join(work, 'root.tar'), '--directory', tree, '--exclude=./var/*', '.']);
    await execa('tar', ['--extract', '--numeric-owner', '--file', path.join(work, 'root.tar'), '--directory', path.join(mnt, 'root')]);
    await execa('cp', ['-a', '-T', path.join(tree, 'var'), path.join(mnt, 'var')]);
    rmSync(path.join(work, 'root.tar'));
  } finally {
    await execa('umount', [mnt]);
  }
  return img;
}

/** Publishes TARBALL's tree as compose `compose` of release 45 (x86_64) under DIR. */
export async function publishFedoraCloudImage(tarball: string, dir: string, work: string, key: SigningKey, compose = '1.2'): Promise<PublishedImage> {
  const tree = path.join(work, 'tree');
  mkdirSync(tree, { recursive: true });
  await execa('tar', ['--extract', '--numeric-owner', '--file', tarball, '--directory', tree]);
  // Nothing boots this image: its kernel modules are only weight.
  await execa('sh', ['-c', 'rm -rf ./usr/lib/modules/* ./lib/modules/* 2>/dev/null; true'], { cwd: tree });
  const ids = { root: randomUUID(), boot: randomUUID(), esp: '1234-ABCD' };
  writeFileSync(
    path.join(tree, 'etc/fstab'),
    [
      `UUID=${ids.root} / btrfs subvol=root,compress=zstd:1 0 0`,
      `UUID=${ids.boot} /boot ext4 defaults 1 2`,
      `UUID=${ids.esp} /boot/efi vfat defaults,umask=0077,shortname=winnt 0 2`,
      `UUID=${ids.root} /home btrfs subvol=home,compress=zstd:1 0 0`,
      `UUID=${ids.root} /var btrfs subvol=var,compress=zstd:1 0 0`,
      '',
    ].join('\n'),
  );
  // /boot is its own ext4 filesystem; the root keeps an empty directory for it.
  const boot = path.join(work, 'boot');
  await execa('mv', [path.join(tree, 'boot'), boot]);
  mkdirSync(path.join(tree, 'boot/efi'), { recursive: true });
  const bootImg = path.join(work, 'boot.img');
  await execa('truncate', ['-s', `${Math.ceil((await duBytes(boot)) / MiB) + 64}M`, bootImg]);
  await execa('mkfs.ext4', ['-q', '-U', ids.boot, '-d', boot, bootImg]);
  const espImg = path.join(work, 'esp.img');
  await execa('mkfs.vfat', ['-i', ids.esp.replace('-', ''), '-C', espImg, String(16 * 1024)]);
  const rootImg = await btrfsRoot(work, tree, ids.root);

  const parts = [
    { type: GPT_TYPES.biosBoot, file: undefined, mib: 1 },
    { type: GPT_TYPES.esp, file: espImg, mib: 16 },
    { type: GPT_TYPES.linux, file: bootImg, mib: statSync(bootImg).size / MiB },
    { type: GPT_TYPES.linux, file: rootImg, mib: statSync(rootImg).size / MiB },
  ];
  const raw = path.join(work, 'disk.raw');
  await execa('truncate', ['-s', `${2 + parts.reduce((n, p) => n + p.mib, 0)}M`, raw]);
  let start = 1;
  const table = ['label: gpt'];
  for (const p of parts) {
    table.push(`start=${start * 2048}, size=${p.mib * 2048}, type=${p.type}`);
    start += p.mib;
  }
  await execa('sfdisk', ['--quiet', raw], { input: `${table.join('\n')}\n` });
  start = 1;
  for (const p of parts) {
    if (p.file) await execa('dd', [`if=${p.file}`, `of=${raw}`, 'bs=1M', `seek=${start}`, 'conv=notrunc,sparse', 'status=none']);
    start += p.mib;
  }

  mkdirSync(dir, { recursive: true });
  const image = `Fedora-Cloud-Base-Generic-45-${compose}.x86_64.qcow2`;
  await execa('qemu-img', ['convert', '-O', 'qcow2', raw, path.join(dir, image)]);
  rmSync(work, { recursive: true, force: true });
  const sha = (await execa('sha256sum', [path.join(dir, image)])).stdout.split(' ')[0];
  const body = path.join(dir, '.checksum-body');
  writeFileSync(body, `# ${image}: ${statSync(path.join(dir, image)).size} bytes\nSHA256 (${image}) = ${sha}\n`);
  const checksum = `Fedora-Cloud-45-${compose}-x86_64-CHECKSUM`;
  await key.sign(body, { clear: path.join(dir, checksum) });
  rmSync(body);
  writeFileSync(path.join(dir, 'index.html'), `<html><body>\n<a href="${checksum}">${checksum}</a>\n<a href="${image}">${image}</a>\n</body></html>\n`);
  return { image, checksum };
}
