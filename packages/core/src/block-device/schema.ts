/**
 * DIB's block-device YAML, as zod: a list of one-key nodes (`local_loop`,
 * `partitioning`, `mkfs`, `mount`, `fstab`), where mkfs/mount/fstab may also be
 * nested inside the node they build on. Existing DIB layouts load unchanged.
 */
import { z } from 'zod';

const sizeValue = z.union([z.string().min(1), z.number().nonnegative()]);

export const FstabSchema = z
  .object({
    name: z.string().optional(),
    base: z.string().optional(),
    options: z.string().default('defaults'),
    'dump-freq': z.number().int().min(0).default(0),
    'fsck-passno': z.number().int().min(0).max(2).default(2),
  })
  .strict();

export const MountSchema = z
  .object({
    name: z.string().optional(),
    base: z.string().optional(),
    mount_point: z.string().startsWith('/', 'an absolute path such as / or /boot/efi'),
    fstab: FstabSchema.optional(),
  })
  .strict();

export const MkfsSchema = z
  .object({
    name: z.string().optional(),
    base: z.string().optional(),
    type: z.string().default('ext4'),
    label: z.string().optional(),
    uuid: z.string().optional(),
    opts: z.string().optional(),
    mount: MountSchema.optional(),
  })
  .strict();

export const PartitionSchema = z
  .object({
    name: z.string().min(1),
    size: sizeValue.default('100%'),
    flags: z.array(z.enum(['boot', 'primary'])).default([]),
    type: z.union([z.string(), z.number()]).optional(),
    mkfs: MkfsSchema.optional(),
  })
  .strict();

export const LocalLoopSchema = z
  .object({
    name: z.string().min(1).default('image0'),
    size: sizeValue.optional(),
    directory: z.string().optional(),
  })
  .strict();

export const PartitioningSchema = z
  .object({
    base: z.string().default('image0'),
    label: z.enum(['mbr', 'gpt']),
    align: sizeValue.default('1MiB'),
    partitions: z.array(PartitionSchema).min(1),
  })
  .strict();

/** One entry of the list; exactly one key. */
export const NodeSchema = z.union([
  z.object({ local_loop: LocalLoopSchema }).strict(),
  z.object({ partitioning: PartitioningSchema }).strict(),
  z.object({ mkfs: MkfsSchema }).strict(),
  z.object({ mount: MountSchema }).strict(),
  z.object({ fstab: FstabSchema }).strict(),
]);

export const BlockDeviceSchema = z.array(z.unknown()).min(1, 'list at least one node');

export type FstabNode = z.output<typeof FstabSchema>;
export type MountNode = z.output<typeof MountSchema>;
export type MkfsNode = z.output<typeof MkfsSchema>;
export type PartitionNode = z.output<typeof PartitionSchema>;
export type BlockDeviceNode = z.output<typeof NodeSchema>;
/** What users and elements write: DIB's YAML list. */
export type BlockDeviceConfig = unknown[];
