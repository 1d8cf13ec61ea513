/**
 * Concrete sizes and offsets for a Layout: from --image-size when given, otherwise from
 * what each filesystem must hold (DIB's rule: content / 0.6, or content plus
 * --image-extra-size). Percent partitions share what fixed partitions leave.
 */
import { DibError } from '../errors.js';
import type { FilesystemSpec, Layout, PartitionSpec } from './layout.js';
import { alignUp, formatBytes, MiB } from './size.js';
import type { TreeSize } from './measure.js';

export interface PlacedPartition {
  spec: PartitionSpec;
  /** 1-based partition number. */
  index: number;
  start: number;
  size: number;
}

export interface Geometry {
  diskSize: number;
  partitions: PlacedPartition[];
  /** Size of each filesystem (its partition, or the whole image). */
  filesystemSizes: Map<string, number>;
}

const MIN_SIZE: Record<string, number> = { ext2: 16 * MiB, ext3: 32 * MiB, ext4: 32 * MiB, xfs: 300 * MiB, btrfs: 128 * MiB, vfat: 33 * MiB, swap: MiB };

/** Space a filesystem needs to hold `content`. */
export function neededSize(fs: FilesystemSpec, content: TreeSize, extraSize: number | undefined): number {
  const raw = content.bytes + content.entries * 256;
  const withSlack = extraSize !== undefined ? raw + extraSize : raw / 0.6;
  const journal = fs.type === 'ext3' || fs.type === 'ext4' || fs.type === 'xfs' ? 64 * MiB : 0;
  return alignUp(Math.max(withSlack + journal, MIN_SIZE[fs.type] ?? MiB), MiB);
}

export function computeGeometry(layout: Layout, needs: Map<string, number>, imageSize?: number): Geometry {
  const sizes = new Map<string, number>();
  const fsOn = (base: string) => layout.filesystems.find((f) => f.base === base);
  if (!layout.table) {
    const fs = layout.filesystems[0];
    const need = needs.get(fs.name) ?? MiB;
    const size = imageSize ?? layout.image.size ?? need;
    if (size < need) throw tooSmall(fs.name, need, size);
    sizes.set(fs.name, size);
    return { diskSize: size, partitions: [], filesystemSizes: sizes };
  }
  const { align, partitions } = layout.table;
  const fixedTotal = (from: number) => partitions.slice(from).reduce((s, p) => s + ('bytes' in p.size ? alignUp(p.size.bytes, align) : 0), 0);
  const requested = imageSize ?? layout.image.size;
  const placed: PlacedPartition[] = [];
  let cursor = align;
  if (requested) {
    let free = requested - align - align; // leading alignment, trailing space for GPT's backup header
    partitions.forEach((spec, i) => {
      let size: number;
      if ('bytes' in spec.size) size = alignUp(spec.size.bytes, align);
      else size = Math.floor(((free - fixedTotal(i + 1)) * spec.size.percent) / 100 / align) * align;
      if (size <= 0 || size > free) throw tooSmall(spec.name, size, Math.max(free, 0));
      placed.push({ spec, index: i + 1, start: cursor, size });
      cursor += size;
      free -= size;
    });
  } else {
    partitions.forEach((spec, i) => {
      const fs = fsOn(spec.name);
      const size = 'bytes' in spec.size ? alignUp(spec.size.bytes, align) : alignUp(fs ? (needs.get(fs.name) ?? MiB) : MiB, align);
      placed.push({ spec, index: i + 1, start: cursor, size });
      cursor += size;
    });
  }
  const diskSize = requested ?? cursor + align;
  for (const p of placed) {
    const fs = fsOn(p.spec.name);
    if (!fs) continue;
    const need = needs.get(fs.name) ?? 0;
    if (need > p.size) throw tooSmall(`${fs.name} on partition ${p.spec.name}`, need, p.size);
    sizes.set(fs.name, p.size);
  }
  return { diskSize, partitions: placed, filesystemSizes: sizes };
}

const tooSmall = (what: string, need: number, have: number) =>
  new DibError('DIB_E_IMAGE_TOO_SMALL', `${what} needs ${formatBytes(need)} but gets ${formatBytes(have)}`, { location: { key: what } });
