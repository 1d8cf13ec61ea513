/**
 * Turns DIB's node list into one typed Layout and checks it before anything is
 * created: node kinds, names, references, filesystem types, labels, mount points and
 * sizes. Every error names the config path (e.g. `[1].partitioning.partitions[0].size`).
 */
import { DibError } from '../errors.js';
import { formatZodIssues } from '../config/zod-message.js';
import { parsePartitionSize, parseSize, type PartitionSize } from './size.js';
import { NodeSchema, type FstabNode, type MkfsNode, type MountNode } from './schema.js';

export const FILESYSTEM_TYPES = ['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'vfat', 'swap'] as const;
export type FilesystemType = (typeof FILESYSTEM_TYPES)[number];

export interface PartitionSpec {
  name: string;
  size: PartitionSize;
  flags: ('boot' | 'primary')[];
  /** MBR type byte (0x83) or GPT type GUID. */
  type: string;
  /** Config path, for messages. */
  at: string;
}

export interface FilesystemSpec {
  name: string;
  /** The partition it lives on, or the image name for a bare filesystem image. */
  base: string;
  type: FilesystemType;
  label?: string;
  uuid?: string;
  opts?: string;
  mountPoint?: string;
  fstab?: { options: string; dump: number; pass: number };
  at: string;
}

export interface Layout {
  image: { name: string; size?: number };
  table?: { label: 'mbr' | 'gpt'; align: number; partitions: PartitionSpec[] };
  filesystems: FilesystemSpec[];
}

/** sgdisk-style short codes DIB layouts use, as GPT type GUIDs. */
const GPT_CODES: Record<string, string> = {
  '8300': '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
  EF00: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  EF02: '21686148-6449-6E6F-744E-656564454649',
  '8200': '0657FD6D-A4AB-43C4-84E5-0933C84B4F4F',
  '8E00': 'E6D6D379-F507-44C2-A23C-238F2A3DF928',
  '0700': 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7',
  // PowerPC PReP boot: DIB's ppc64el GPT layout writes it as 0x4100.
  '4100': '9E1A2D38-C612-4316-AA26-8B49521E5A8B',
};

export const GPT_BIOS_BOOT = GPT_CODES.EF02;
export const GPT_ESP = GPT_CODES.EF00;

const fail = (
  source: string,
  at: string,
  message: string,
  code: 'DIB_E_BLOCK_DEVICE_INVALID' | 'DIB_E_BLOCK_DEVICE_UNSUPPORTED' = 'DIB_E_BLOCK_DEVICE_INVALID',
) => new DibError(code, `${source}: ${at}: ${message}`, { location: { file: source, key: at } });

function partitionType(raw: string | number | undefined, label: 'mbr' | 'gpt', source: string, at: string): string {
  if (label === 'mbr') {
    if (raw === undefined) return '83';
    const hex = typeof raw === 'number' ? raw.toString(16) : raw.replace(/^0x/i, '');
    if (!/^[0-9a-f]{1,2}$/i.test(hex)) throw fail(source, at, `MBR partition type must be a byte such as 0x83, found ${JSON.stringify(raw)}`);
    return hex.toLowerCase().padStart(2, '0');
  }
  if (raw === undefined) return GPT_CODES['8300'];
  const text = String(raw).toUpperCase().replace(/^0X/, '');
  if (GPT_CODES[text]) return GPT_CODES[text];
  if (/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/.test(text)) return text;
  throw fail(source, at, `GPT partition type must be a code (${Object.keys(GPT_CODES).join(', ')}) or a GUID, found ${JSON.stringify(raw)}`);
}

/** Parses and checks a DIB block-device node list; `source` names where it came from. */
export function parseLayout(nodes: unknown, source: string): Layout {
  if (!Array.isArray(nodes) || nodes.length === 0)
    throw fail(source, '(top level)', 'expected a list of block-device nodes (local_loop, partitioning, mkfs, mount, fstab)');
  let image: Layout['image'] | undefined;
  let table: Layout['table'];
  const mkfs: { node: MkfsNode; base: string; at: string }[] = [];
  const mounts: { node: MountNode; base: string; at: string }[] = [];
  const fstabs: { node: FstabNode; base: string; at: string }[] = [];
  const names = new Map<string, string>();
  const claimName = (name: string, at: string) => {
    if (names.has(name)) throw fail(source, at, `node name "${name}" is used twice (also at ${names.get(name)})`);
    names.set(name, at);
  };

  nodes.forEach((raw, i) => {
    const at = `[${i}]`;
    const key = raw && typeof raw === 'object' ? Object.keys(raw)[0] : undefined;
    if (key === 'lvm')
      throw fail(source, `${at}.lvm`, 'LVM layouts are not supported yet (this host class often lacks device-mapper too)', 'DIB_E_BLOCK_DEVICE_UNSUPPORTED');
    if (key && !['local_loop', 'partitioning', 'mkfs', 'mount', 'fstab'].includes(key)) {
      throw fail(source, `${at}.${key}`, 'unknown node type; expected local_loop, partitioning, mkfs, mount or fstab');
    }
    const parsed = NodeSchema.safeParse(raw);
    if (!parsed.success) {
      const lines = formatZodIssues(parsed.error, raw, source).map((l) => l.replace(`${source}: `, `${source}: ${at}.`));
      throw new DibError('DIB_E_BLOCK_DEVICE_INVALID', lines.join('\n'), { location: { file: source, key: at } });
    }
    const node = parsed.data;
    if ('local_loop' in node) {
      if (image) throw fail(source, `${at}.local_loop`, 'only one local_loop image is supported');
      const size = node.local_loop.size === undefined ? undefined : parseSize(node.local_loop.size);
      if (node.local_loop.size !== undefined && !size) throw fail(source, `${at}.local_loop.size`, `not a size: ${JSON.stringify(node.local_loop.size)}`);
      claimName(node.local_loop.name, `${at}.local_loop`);
      image = { name: node.local_loop.name, size };
    } else if ('partitioning' in node) {
      if (table) throw fail(source, `${at}.partitioning`, 'only one partition table is supported');
      const p = node.partitioning;
      const align = parseSize(p.align);
      if (!align || align % 512 !== 0) throw fail(source, `${at}.partitioning.align`, 'alignment must be a multiple of 512 bytes');
      if (p.label === 'mbr' && p.partitions.length > 4) {
        throw fail(
          source,
          `${at}.partitioning.partitions`,
          `${p.partitions.length} partitions need logical partitions, which are not supported yet; use at most 4 or a gpt label`,
          'DIB_E_BLOCK_DEVICE_UNSUPPORTED',
        );
      }
      table = {
        label: p.label,
        align,
        partitions: p.partitions.map((part, j) => {
          const pat = `${at}.partitioning.partitions[${j}]`;
          claimName(part.name, pat);
          const size = parsePartitionSize(part.size);
          if (!size)
            throw fail(
              source,
              `${pat}.size`,
              `${/%\s*$/.test(String(part.size)) ? 'a percentage is more than 0% and at most 100%' : 'not a size or percentage'}: ${JSON.stringify(part.size)}`,
            );
          if (part.mkfs) mkfs.push({ node: part.mkfs, base: part.name, at: `${pat}.mkfs` });
          return { name: part.name, size, flags: part.flags, type: partitionType(part.type, p.label, source, `${pat}.type`), at: pat };
        }),
      };
      (table as { base?: string }).base = p.base;
    } else if ('mkfs' in node) {
      mkfs.push({ node: node.mkfs, base: node.mkfs.base ?? '', at: `${at}.mkfs` });
    } else if ('mount' in node) {
      mounts.push({ node: node.mount, base: node.mount.base ?? '', at: `${at}.mount` });
    } else {
      fstabs.push({ node: node.fstab, base: node.fstab.base ?? '', at: `${at}.fstab` });
    }
  });

  if (!image) image = { name: 'image0' };
  if (table && (table as { base?: string }).base !== image.name)
    throw fail(source, 'partitioning.base', `refers to "${(table as { base?: string }).base}", but the image is "${image.name}"`);
  const partitionNames = new Set(table?.partitions.map((p) => p.name) ?? []);

  const filesystems: FilesystemSpec[] = mkfs.map(({ node, base, at }) => {
    if (!base) throw fail(source, `${at}.base`, 'a top-level mkfs needs "base": the partition (or image) it is made on');
    if (!(partitionNames.has(base) || (!table && base === image!.name))) {
      throw fail(source, `${at}.base`, `"${base}" is not ${table ? 'a partition' : 'the image'} in this layout`);
    }
    if (!(FILESYSTEM_TYPES as readonly string[]).includes(node.type))
      throw fail(source, `${at}.type`, `unknown filesystem "${node.type}"; supported: ${FILESYSTEM_TYPES.join(', ')}`);
    const name = node.name ?? `mkfs_${base}`;
    claimName(name, at);
    if (node.mount) mounts.push({ node: node.mount, base: name, at: `${at}.mount` });
    return { name, base, type: node.type as FilesystemType, label: node.label, uuid: node.uuid, opts: node.opts, at };
  });
  const byFsName = new Map(filesystems.map((f) => [f.name, f]));
  const byMountName = new Map<string, FilesystemSpec>();
  for (const { node, base, at } of mounts) {
    const fs = byFsName.get(base);
    if (!fs) throw fail(source, `${at}.base`, `mount point ${node.mount_point} is on "${base}", which is no filesystem (mkfs) in this layout`);
    if (fs.type === 'swap') throw fail(source, at, 'swap cannot be mounted');
    if (fs.mountPoint) throw fail(source, at, `filesystem "${fs.name}" is mounted twice`);
    fs.mountPoint = node.mount_point.replace(/\/+$/, '') || '/';
    const name = node.name ?? `mount_${fs.name}`;
    claimName(name, at);
    byMountName.set(name, fs);
    if (node.fstab) fstabs.push({ node: node.fstab, base: name, at: `${at}.fstab` });
  }
  for (const { node, base, at } of fstabs) {
    const fs = byMountName.get(base);
    if (!fs) throw fail(source, `${at}.base`, `"${base}" is no mount in this layout`);
    fs.fstab = { options: node.options, dump: node['dump-freq'], pass: node['fsck-passno'] };
  }

  const points = mountPointsOf({ filesystems });
  const dupPoint = points.find((p, i) => points.indexOf(p) !== i);
  if (dupPoint) throw fail(source, '(mounts)', `mount point ${dupPoint} is used twice`);
  if (!points.includes('/')) throw fail(source, '(mounts)', 'no filesystem is mounted at /');
  const labels = filesystems.filter((f) => f.label).map((f) => f.label!);
  const dupLabel = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dupLabel) throw fail(source, '(labels)', `filesystem label "${dupLabel}" is used twice`);
  const onPartition = new Map<string, string>();
  for (const fs of filesystems) {
    if (onPartition.has(fs.base)) throw fail(source, fs.at, `"${fs.base}" already holds filesystem "${onPartition.get(fs.base)}"`);
    onPartition.set(fs.base, fs.name);
  }
  if (table) {
    const pct = table.partitions.reduce((sum, p) => sum + ('percent' in p.size ? p.size.percent : 0), 0);
    if (pct > 100) throw fail(source, 'partitioning.partitions', `percentages add up to ${pct}%, more than 100%`);
    if (image.size) {
      const fixed = table.partitions.reduce((sum, p) => sum + ('bytes' in p.size ? p.size.bytes : 0), 0);
      if (fixed + 2 * table.align > image.size)
        throw fail(source, 'partitioning.partitions', `fixed partition sizes (${fixed} bytes) plus alignment exceed the image size (${image.size} bytes)`);
    }
  }
  return { image, table, filesystems };
}

/** The mount points of a layout's filesystems, in layout order (DIB_BLOCK_DEVICE_MOUNTS, DIB_MOUNTPOINTS). */
export const mountPointsOf = (layout: Pick<Layout, 'filesystems'>): string[] => layout.filesystems.flatMap((f) => (f.mountPoint ? [f.mountPoint] : []));
