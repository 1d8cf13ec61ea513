/**
 * Makes one filesystem image file from a directory, without mounting where the tools
 * allow it: ext2/3/4 with `mkfs.ext4 -d`, btrfs with `--rootdir`, vfat with mtools,
 * swap with mkswap. xfs has no populate-from-directory in the xfsprogs this targets,
 * so it is the one type that mounts (a loop mount, released at once).
 */
import { closeSync, mkdirSync, openSync, readdirSync, ftruncateSync } from 'node:fs';
import path from 'node:path';
import type { HostTool } from '../contract/manifest.js';
import type { FilesystemSpec } from './layout.js';

export interface MkfsContext {
  run(command: string, args: readonly string[], input?: string): Promise<{ stdout: string }>;
  /** Mounts `file` (loop) at `dir` for the duration of `fn`; always unmounts. */
  withLoopMount<T>(file: string, dir: string, fn: () => Promise<T>): Promise<T>;
  /** Extra options from --mkfs-options. */
  extraOptions: string[];
}

/** Host tools each filesystem type needs. */
export const MKFS_TOOLS: Record<FilesystemSpec['type'], HostTool> = {
  ext2: { anyOf: ['mkfs.ext2'], apt: 'e2fsprogs', why: 'ext2 filesystems' },
  ext3: { anyOf: ['mkfs.ext3'], apt: 'e2fsprogs', why: 'ext3 filesystems' },
  ext4: { anyOf: ['mkfs.ext4'], apt: 'e2fsprogs', why: 'ext4 filesystems' },
  xfs: { anyOf: ['mkfs.xfs'], apt: 'xfsprogs', why: 'xfs filesystems' },
  btrfs: { anyOf: ['mkfs.btrfs'], apt: 'btrfs-progs', why: 'btrfs filesystems' },
  vfat: { anyOf: ['mkfs.vfat'], apt: 'dosfstools', why: 'vfat filesystems (EFI system partition)' },
  swap: { anyOf: ['mkswap'], apt: 'util-linux', why: 'swap areas' },
};
export const MTOOLS: HostTool = { anyOf: ['mcopy'], apt: 'mtools', why: 'filling vfat filesystems without mounting' };

const sparseFile = (file: string, size: number) => {
  const fd = openSync(file, 'w');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
};

/** Label and UUID arguments; each mkfs spells the flags its own way. */
const identity = (fs: FilesystemSpec, labelFlag: string, uuidFlag: string, uuid = (u: string) => u): string[] => [
  ...(fs.label ? [labelFlag, fs.label] : []),
  ...(fs.uuid ? [uuidFlag, uuid(fs.uuid)] : []),
];

/** The layout's own options, plus --mkfs-options for the root filesystem (as DIB applies them). */
const opts = (fs: FilesystemSpec, ctx: MkfsContext) => [
  ...(fs.opts ? fs.opts.split(/\s+/).filter(Boolean) : []),
  ...(fs.mountPoint === '/' ? ctx.extraOptions : []),
];

/** Types whose mkfs writes into the disk file at a partition's offset, so the filesystem is never copied. */
export const IN_PLACE_TYPES: ReadonlySet<FilesystemSpec['type']> = new Set(['ext2', 'ext3', 'ext4']);

/**
 * Makes `fs` of `size` bytes from `source` in `file`: a file of its own, or, with
 * `offset` (IN_PLACE_TYPES only), the disk file at the partition's offset.
 */
export async function makeFilesystem(
  ctx: MkfsContext,
  fs: FilesystemSpec,
  source: string | undefined,
  file: string,
  size: number,
  offset?: number,
): Promise<void> {
  if (offset !== undefined && !IN_PLACE_TYPES.has(fs.type)) throw new Error(`mkfs ${fs.type} cannot write at an offset of a disk file`);
  if (offset === undefined) sparseFile(file, size);
  switch (fs.type) {
    case 'ext2':
    case 'ext3':
    case 'ext4': {
      // nodiscard in place: a discard must never reach the partition table beside it.
      const extended = ['root_owner=0:0', ...(offset === undefined ? [] : [`offset=${offset}`, 'nodiscard'])];
      const args = ['-F', '-q', '-t', fs.type, '-E', extended.join(','), ...identity(fs, '-L', '-U')];
      if (source) args.push('-d', source);
      await ctx.run('mkfs.ext4', [...args, ...opts(fs, ctx), file, ...(offset === undefined ? [] : [`${size / 1024}k`])]);
      return;
    }
    case 'btrfs': {
      const args = ['-f', '-q', ...identity(fs, '-L', '-U')];
      if (source) args.push('--rootdir', source);
      await ctx.run('mkfs.btrfs', [...args, ...opts(fs, ctx), file]);
      return;
    }
    case 'vfat': {
      const label = fs.label ? { ...fs, label: fs.label.toUpperCase().slice(0, 11) } : fs;
      await ctx.run('mkfs.vfat', [...identity(label, '-n', '-i', (u) => u.replace('-', '')), ...opts(fs, ctx), file]);
      if (source && readdirSync(source).length) {
        await ctx.run('mcopy', ['-s', '-p', '-m', '-Q', '-i', file, ...readdirSync(source).map((n) => path.join(source, n)), '::/']);
      }
      return;
    }
    case 'xfs': {
      await ctx.run('mkfs.xfs', ['-f', '-q', ...identity(fs, '-L', '-m', (u) => `uuid=${u}`), ...opts(fs, ctx), file]);
      if (source) {
        const mnt = `${file}.mnt`;
        mkdirSync(mnt, { recursive: true });
        await ctx.withLoopMount(file, mnt, () => ctx.run('cp', ['-a', '--sparse=always', `${source}/.`, mnt]));
      }
      return;
    }
    case 'swap': {
      await ctx.run('mkswap', [...identity(fs, '-L', '-U'), file]);
      return;
    }
  }
}
