/**
 * Guest disk images laid out as the RPM distributions publish theirs, made from a tree
 * (this machine reaches no Fedora or Red Hat host, so the userland is the tests' own):
 * - fedora: Fedora 41-43's Cloud Base layout: GPT with BIOS boot, ESP, /boot on ext4 and
 *   a btrfs labelled "fedora" whose subvolumes root, home and var are mounted by UUID;
 * - rhel: RHEL 9's KVM guest layout: GPT with BIOS boot, ESP, /boot and / on xfs.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

export type GuestLayout = 'fedora' | 'rhel';

const GPT_TYPES = {
  biosBoot: '21686148-6449-6E6F-744E-656564454649',
  esp: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  linux: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
};
const MiB = 1024 * 1024;
const ESP_ID = '1234-ABCD';

const duMiB = async (dir: string) => Math.ceil(Number((await execa('du', ['-sb', dir])).stdout.split('\t')[0]) / MiB);

/** An empty filesystem image of `mib`, made by `mkfs`, filled through a loop mount by `fill`. */
async function filledImage(file: string, mib: number, mkfs: string[], fill: (mnt: string) => Promise<void>): Promise<string> {
  await execa('truncate', ['-s', `${mib}M`, file]);
  await execa(mkfs[0], [...mkfs.slice(1), file]);
  const mnt = `${file}.mnt`;
  mkdirSync(mnt);
  await execa('mount', ['-o', 'loop', file, mnt]);
  try {
    await fill(mnt);
  } finally {
    await execa('umount', [mnt]);
    rmSync(mnt, { recursive: true });
  }
  return file;
}

/** Copies `from`'s contents into `to`, leaving out `exclude` (paths relative to `from`, as tar takes them). */
async function copyTree(from: string, to: string, exclude: string[] = []) {
  const archive = `${to}.tar`;
  await execa('tar', ['--create', '--file', archive, '--directory', from, ...exclude.map((e) => `--exclude=${e}`), '.']);
  await execa('tar', ['--extract', '--numeric-owner', '--file', archive, '--directory', to]);
  rmSync(archive);
}

/** The root and /boot filesystem images for `layout`, with the tree's fstab written to match. */
async function filesystems(layout: GuestLayout, tree: string, work: string) {
  const ids = { root: randomUUID(), boot: randomUUID() };
  const boot = path.join(work, 'boot');
  await execa('mv', [path.join(tree, 'boot'), boot]);
  mkdirSync(path.join(tree, 'boot/efi'), { recursive: true });
  const esp = `UUID=${ESP_ID} /boot/efi vfat defaults,umask=0077,shortname=winnt 0 2`;
  const rootMiB = Math.ceil((await duMiB(tree)) * 1.6) + 320;
  const bootMiB = (await duMiB(boot)) + 320;
  if (layout === 'fedora') {
    const btrfs = (sub: string) => `UUID=${ids.root} ${sub === 'root' ? '/' : `/${sub}`} btrfs subvol=${sub},compress=zstd:1 0 0`;
    writeFileSync(path.join(tree, 'etc/fstab'), [btrfs('root'), `UUID=${ids.boot} /boot ext4 defaults 1 2`, esp, btrfs('home'), btrfs('var'), ''].join('\n'));
    const bootImg = path.join(work, 'boot.img');
    await execa('truncate', ['-s', `${bootMiB}M`, bootImg]);
    await execa('mkfs.ext4', ['-q', '-U', ids.boot, '-d', boot, bootImg]);
    const rootImg = await filledImage(path.join(work, 'root.img'), rootMiB, ['mkfs.btrfs', '-q', '-U', ids.root, '-L', 'fedora'], async (mnt) => {
      for (const sub of ['root', 'home', 'var']) await execa('btrfs', ['subvolume', 'create', path.join(mnt, sub)]);
      await copyTree(tree, path.join(mnt, 'root'), ['./var/*']);
      await copyTree(path.join(tree, 'var'), path.join(mnt, 'var'));
    });
    return { bootImg, rootImg };
  }
  writeFileSync(path.join(tree, 'etc/fstab'), [`UUID=${ids.root} / xfs defaults 0 0`, `UUID=${ids.boot} /boot xfs defaults 0 0`, esp, ''].join('\n'));
  const bootImg = await filledImage(path.join(work, 'boot.img'), bootMiB, ['mkfs.xfs', '-q', '-m', `uuid=${ids.boot}`, '-L', 'boot'], (mnt) =>
    copyTree(boot, mnt),
  );
  const rootImg = await filledImage(path.join(work, 'root.img'), rootMiB, ['mkfs.xfs', '-q', '-m', `uuid=${ids.root}`, '-L', 'root'], (mnt) =>
    copyTree(tree, mnt),
  );
  return { bootImg, rootImg };
}

/**
 * Kernel modules a virtual machine boots with (disk, virtio, filesystems and what they
 * need): the rest (network, graphics, sound, ...) is most of the weight.
 */
const VM_DRIVERS = ['acpi', 'ata', 'block', 'cdrom', 'char', 'md', 'nvme', 'scsi', 'virtio'];
async function keepVmModules(tree: string) {
  for (const version of readdirSync(path.join(tree, 'usr/lib/modules'))) {
    const kernel = path.join(tree, 'usr/lib/modules', version, 'kernel');
    for (const dir of ['net', 'sound']) rmSync(path.join(kernel, dir), { recursive: true, force: true });
    for (const dir of readdirSync(path.join(kernel, 'drivers'))) {
      if (!VM_DRIVERS.includes(dir)) rmSync(path.join(kernel, 'drivers', dir), { recursive: true, force: true });
    }
    // The tree's own depmod: kmod is the kernel package's dependency, not the host's.
    await execa('chroot', [tree, 'depmod', version]);
  }
}

/**
 * The qcow2 at `out`: `tarball`'s tree, adjusted by `adjust`, on a disk laid out as
 * `layout`'s. Only a `bootable` one keeps kernel modules (a virtual machine's).
 */
export async function makeGuestDisk(
  layout: GuestLayout,
  tarball: string,
  out: string,
  work: string,
  adjust: (tree: string) => void = () => {},
  bootable = false,
) {
  const tree = path.join(work, 'tree');
  mkdirSync(tree, { recursive: true });
  await execa('tar', ['--extract', '--numeric-owner', '--file', tarball, '--directory', tree]);
  if (bootable) await keepVmModules(tree);
  else await execa('sh', ['-c', 'rm -rf ./usr/lib/modules/* ./lib/modules/* 2>/dev/null; true'], { cwd: tree });
  adjust(tree);
  const { bootImg, rootImg } = await filesystems(layout, tree, work);
  const espImg = path.join(work, 'esp.img');
  await execa('mkfs.vfat', ['-i', ESP_ID.replace('-', ''), '-C', espImg, String(16 * 1024)]);
  const parts = [
    { type: GPT_TYPES.biosBoot, mib: 1 },
    { type: GPT_TYPES.esp, file: espImg, mib: 16 },
    { type: GPT_TYPES.linux, file: bootImg, mib: statSync(bootImg).size / MiB },
    { type: GPT_TYPES.linux, file: rootImg, mib: statSync(rootImg).size / MiB },
  ];
  const raw = path.join(work, 'disk.raw');
  await execa('truncate', ['-s', `${2 + parts.reduce((n, p) => n + p.mib, 0)}M`, raw]);
  const table = ['label: gpt'];
  let start = 1;
  for (const p of parts) {
    table.push(`start=${start * 2048}, size=${p.mib * 2048}, type=${p.type}`);
    if (p.file) await execa('dd', [`if=${p.file}`, `of=${raw}`, 'bs=1M', `seek=${start}`, 'conv=notrunc,sparse', 'status=none']);
    start += p.mib;
  }
  await execa('sfdisk', ['--quiet', raw], { input: `${table.join('\n')}\n` });
  mkdirSync(path.dirname(out), { recursive: true });
  await execa('qemu-img', ['convert', '-O', 'qcow2', raw, out]);
  rmSync(work, { recursive: true, force: true });
}
