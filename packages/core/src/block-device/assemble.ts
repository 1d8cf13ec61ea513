/**
 * Builds the disk image file from the finished tree and a Layout, with no loop device:
 * the partition table is written into the disk file with sfdisk, then each filesystem is
 * made from its part of the tree: ext2/3/4 straight into the disk file at its
 * partition's offset, the others into a file of their own copied there. Subtrees that belong to other filesystems (e.g. /boot/efi) are
 * moved aside while the root filesystem is made and put back after.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { computeGeometry, neededSize, type Geometry } from './geometry.js';
import type { FilesystemSpec, Layout } from './layout.js';
import { measureTree } from './measure.js';
import { IN_PLACE_TYPES, makeFilesystem, type MkfsContext } from './mkfs.js';

export interface AssembleContext extends MkfsContext {
  targetRoot: string;
  /** Scratch directory for filesystem files (same filesystem as the tree, for renames). */
  workDir: string;
  imageSize?: number;
  extraSize?: number;
  log(line: string): void;
}

export interface AssembledDisk {
  /** Raw disk image (or bare filesystem image when the layout has no partition table). */
  file: string;
  geometry: Geometry;
}

const depth = (p: string) => p.split('/').filter(Boolean).length;

export async function assembleDisk(ctx: AssembleContext, layout: Layout): Promise<AssembledDisk> {
  mkdirSync(ctx.workDir, { recursive: true });
  const mounted = layout.filesystems.filter((f) => f.mountPoint).sort((a, b) => depth(b.mountPoint!) - depth(a.mountPoint!));
  const moved: { from: string; to: string }[] = [];
  try {
    // Deepest first, so /boot/efi leaves /boot before /boot would leave /.
    for (const fs of mounted.filter((f) => f.mountPoint !== '/')) {
      const from = path.join(ctx.targetRoot, fs.mountPoint!);
      const to = path.join(ctx.workDir, `tree-${fs.name}`);
      mkdirSync(from, { recursive: true });
      renameSync(from, to);
      mkdirSync(from);
      moved.push({ from, to });
    }
    const sourceOf = (fs: FilesystemSpec) => (fs.mountPoint === '/' ? ctx.targetRoot : fs.mountPoint ? path.join(ctx.workDir, `tree-${fs.name}`) : undefined);
    const needs = new Map<string, number>();
    for (const fs of layout.filesystems) {
      const src = sourceOf(fs);
      needs.set(fs.name, neededSize(fs, src ? measureTree(src) : { bytes: 0, entries: 0 }, fs.mountPoint === '/' ? ctx.extraSize : undefined));
    }
    const geometry = computeGeometry(layout, needs, ctx.imageSize);
    const fileOf = (fs: FilesystemSpec) => path.join(ctx.workDir, `${fs.name}.fs`);
    const make = (fs: FilesystemSpec, file: string, offset?: number) => {
      const size = geometry.filesystemSizes.get(fs.name)!;
      ctx.log(`mkfs ${fs.type} "${fs.name}"${fs.mountPoint ? ` for ${fs.mountPoint}` : ''}: ${(size / 1048576).toFixed(0)} MiB`);
      return makeFilesystem(ctx, fs, sourceOf(fs), file, size, offset);
    };
    if (!layout.table) {
      for (const fs of layout.filesystems) await make(fs, fileOf(fs));
      return { file: fileOf(layout.filesystems[0]), geometry };
    }

    const disk = path.join(ctx.workDir, `${layout.image.name}.raw`);
    rmSync(disk, { force: true });
    await ctx.run('truncate', ['--size', String(geometry.diskSize), disk]);
    await ctx.run('sfdisk', ['--no-reread', '--no-tell-kernel', '--wipe', 'always', '--quiet', disk], sfdiskScript(layout, geometry));
    for (const fs of layout.filesystems) {
      const partition = geometry.partitions.find((p) => p.spec.name === fs.base);
      if (partition && IN_PLACE_TYPES.has(fs.type)) {
        await make(fs, disk, partition.start);
        continue;
      }
      await make(fs, fileOf(fs));
      if (!partition) continue;
      await ctx.run('dd', [`if=${fileOf(fs)}`, `of=${disk}`, 'bs=4M', `seek=${partition.start}`, 'oflag=seek_bytes', 'conv=notrunc,sparse', 'status=none']);
      rmSync(fileOf(fs), { force: true });
    }
    return { file: disk, geometry };
  } finally {
    for (const { from, to } of moved.reverse()) {
      if (!existsSync(to)) continue;
      rmSync(from, { recursive: true, force: true });
      renameSync(to, from);
    }
  }
}

/** sfdisk's input: explicit starts and sizes in 512-byte sectors. */
export function sfdiskScript(layout: Layout, geometry: Geometry): string {
  const table = layout.table!;
  const lines = [`label: ${table.label === 'mbr' ? 'dos' : 'gpt'}`, 'unit: sectors', ''];
  for (const p of geometry.partitions) {
    const fields = [`start=${p.start / 512}`, `size=${p.size / 512}`, `type=${p.spec.type}`];
    if (table.label === 'gpt') fields.push(`name="${p.spec.name}"`);
    if (table.label === 'mbr' && p.spec.flags.includes('boot')) fields.push('bootable');
    lines.push(fields.join(', '));
  }
  return `${lines.join('\n')}\n`;
}
