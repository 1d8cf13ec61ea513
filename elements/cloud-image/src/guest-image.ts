/**
 * The root filesystem of a guest disk image (qcow2 or raw, as Fedora, RHEL and
 * Ubuntu's .img are published) copied into the image tree, without loop partitions or
 * device-mapper: the disk is converted to a sparse raw file, its partition table read
 * with sfdisk, and each filesystem mounted read-only from its byte offset. The root is
 * the largest ext4/xfs/btrfs filesystem holding /etc/fstab (on btrfs, in the subvolume
 * that holds it); what that fstab mounts from the same disk (/boot, /home, btrfs
 * subvolumes) is copied to its place too. Every mount is released before returning,
 * and everything lives under the build directory, so `dib cleanup` finds what a
 * killed build left.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';

const LINUX_FILESYSTEMS = new Set(['ext4', 'ext3', 'ext2', 'xfs', 'btrfs']);

interface Filesystem {
  /** Byte offset and size in the raw file. */
  offset: number;
  size: number;
  type: string;
  uuid?: string;
  label?: string;
  /** The partition's own identity (GPT), for fstab's PARTUUID= and PARTLABEL=. */
  partUuid?: string;
  partLabel?: string;
}

interface FstabEntry {
  spec: string;
  mountpoint: string;
  options: string[];
}

export async function unpackGuestImage(ctx: HostHookContext, file: string, format: 'qcow2' | 'raw'): Promise<void> {
  const work = mkdtempSync(path.join(path.dirname(ctx.targetRoot), 'guest-image-'));
  const mounted: string[] = [];
  try {
    const raw = format === 'raw' ? file : path.join(work, 'disk.raw');
    if (format === 'qcow2') await ctx.run('qemu-img', ['convert', '-O', 'raw', file, raw]);
    const filesystems = await probeFilesystems(ctx, raw);
    // Each filesystem mounted once, whole (a btrfs at its top level: a second mount of the same btrfs through another loop device would be refused as a duplicate).
    const tops = new Map<Filesystem, string>();
    const topOf = async (fs: Filesystem) => {
      const known = tops.get(fs);
      if (known) return known;
      const at = path.join(work, `mnt-${tops.size}`);
      mkdirSync(at);
      const options = [
        'ro',
        'loop',
        `offset=${fs.offset}`,
        ...(fs.size ? [`sizelimit=${fs.size}`] : []),
        ...(fs.type === 'xfs' ? ['nouuid', 'norecovery'] : []),
      ];
      await ctx.run('mount', ['-t', fs.type, '-o', options.join(','), raw, at]);
      mounted.push(at);
      tops.set(fs, at);
      return at;
    };
    const dirOf = async (fs: Filesystem, options: string[]) => {
      const subvol = options.find((o) => o.startsWith('subvol='))?.slice('subvol='.length);
      return subvol ? path.join(await topOf(fs), subvol) : topOf(fs);
    };

    const root = await findRoot(filesystems, topOf);
    ctx.log(`guest image root: ${root.fs.type}${root.fs.label ? ` "${root.fs.label}"` : ''} at byte ${root.fs.offset} of ${file}`);
    await copyTree(ctx, root.dir, ctx.targetRoot);
    // The rest of the system's own fstab, parents before children (/boot before /boot/efi).
    for (const entry of root.fstab.filter((e) => e.mountpoint !== '/').sort((a, b) => a.mountpoint.length - b.mountpoint.length)) {
      const fs = filesystems.find((f) => matches(f, entry.spec));
      if (!fs) {
        if (!['swap', 'none'].includes(entry.mountpoint) && !entry.spec.startsWith('/dev/') && entry.spec.includes('=')) {
          ctx.log(`guest image ${entry.mountpoint}: ${entry.spec} is on no filesystem of this disk; not copied`);
        }
        continue;
      }
      if (!LINUX_FILESYSTEMS.has(fs.type)) continue;
      const dir = await dirOf(fs, entry.options);
      if (!existsSync(dir)) continue;
      ctx.log(`guest image ${entry.mountpoint}: ${fs.type} ${path.relative(await topOf(fs), dir) || '(whole filesystem)'}`);
      await copyTree(ctx, dir, path.join(ctx.targetRoot, entry.mountpoint));
    }
  } finally {
    // Every mount is released even when one will not let go; the directory stays then, for dib cleanup.
    const stuck: string[] = [];
    for (const at of mounted.reverse()) {
      await ctx
        .run('umount', [at])
        .catch(() => ctx.run('umount', ['--lazy', at]))
        .catch(() => stuck.push(at));
    }
    if (stuck.length) ctx.log(`warning: could not unmount ${stuck.join(', ')}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

/** Every filesystem on the disk: its partitions, or the whole file when it has no partition table. */
async function probeFilesystems(ctx: HostHookContext, raw: string): Promise<Filesystem[]> {
  let parts: { offset: number; size: number; partUuid?: string; partLabel?: string }[];
  try {
    const table = JSON.parse((await ctx.run('sfdisk', ['--json', raw])).stdout).partitiontable;
    const sector = table.sectorsize ?? 512;
    parts = table.partitions.map((p: { start: number; size: number; uuid?: string; name?: string }) => ({
      offset: p.start * sector,
      size: p.size * sector,
      partUuid: p.uuid?.toLowerCase(),
      partLabel: p.name,
    }));
  } catch {
    parts = [{ offset: 0, size: 0 }];
  }
  const found: Filesystem[] = [];
  for (const part of parts) {
    const args = ['--probe', '--output', 'export', '--offset', String(part.offset), ...(part.size ? ['--size', String(part.size)] : []), raw];
    const probe = await ctx.run('blkid', args).catch(() => ({ stdout: '' }));
    const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(probe.stdout)?.[1];
    const type = value('TYPE');
    if (type) found.push({ ...part, type, uuid: value('UUID'), label: value('LABEL') });
  }
  return found;
}

/** The largest Linux filesystem with an /etc/fstab (on btrfs: the top-level subvolume holding one, Fedora's "root"). */
async function findRoot(filesystems: Filesystem[], topOf: (fs: Filesystem) => Promise<string>): Promise<{ fs: Filesystem; dir: string; fstab: FstabEntry[] }> {
  const candidates = filesystems.filter((f) => LINUX_FILESYSTEMS.has(f.type)).sort((a, b) => b.size - a.size);
  for (const fs of candidates) {
    const top = await topOf(fs);
    const dirs = fs.type === 'btrfs' ? [top, ...readdirSync(top).map((d) => path.join(top, d))] : [top];
    const dir = dirs.find((d) => existsSync(path.join(d, 'etc/fstab')));
    if (dir) return { fs, dir, fstab: parseFstab(readFileSync(path.join(dir, 'etc/fstab'), 'utf8')) };
  }
  const seen = filesystems.map((f) => `${f.type} at byte ${f.offset}`).join(', ') || 'no filesystem';
  throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_FORMAT, `no root filesystem (ext4, xfs or btrfs holding /etc/fstab) on the disk image; found ${seen}`);
}

export function parseFstab(text: string): FstabEntry[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(/\s+/))
    .filter((f) => f.length >= 2)
    .map(([spec, mountpoint, , options = 'defaults']) => ({ spec, mountpoint, options: options.split(',') }));
}

/** Whether an fstab source (UUID=, LABEL=, PARTUUID=, PARTLABEL=) names this filesystem. */
function matches(fs: Filesystem, spec: string): boolean {
  const [key, ...rest] = spec.split('=');
  const value = rest.join('=').replace(/"/g, '');
  const own = { UUID: fs.uuid, LABEL: fs.label, PARTUUID: fs.partUuid, PARTLABEL: fs.partLabel }[key];
  return own !== undefined && (key === 'PARTUUID' ? own === value.toLowerCase() : own === value);
}

/** Everything under `from` into `to`: owners, modes, links, extended attributes (SELinux labels included). */
async function copyTree(ctx: HostHookContext, from: string, to: string): Promise<void> {
  mkdirSync(to, { recursive: true });
  await ctx.run('cp', ['--archive', '--no-target-directory', from, to]);
}
