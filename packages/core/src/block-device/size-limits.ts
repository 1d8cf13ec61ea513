/**
 * Disk sizes no image of this layout and these formats can have, refused at plan time
 * instead of after the build: an MBR table addresses 2^32 sectors of 512 bytes, and
 * qemu-img's VHD writer stops at 2040 GiB.
 */
import { DibError } from '../errors.js';
import type { Layout } from './layout.js';
import { formatBytes } from './size.js';

export const MBR_MAX_BYTES = 2 ** 32 * 512;
const FORMAT_MAX_BYTES: Record<string, number> = { vhd: 2040 * 1024 ** 3 };

export function checkDiskSize(layout: Layout, imageSize: number | undefined, types: readonly string[], source: string): void {
  const fixed = layout.table?.partitions.reduce((sum, p) => sum + ('bytes' in p.size ? p.size.bytes : 0), 0) ?? 0;
  const smallest = Math.max(imageSize ?? layout.image.size ?? 0, fixed);
  if (layout.table?.label === 'mbr' && smallest > MBR_MAX_BYTES) {
    const what = imageSize ? `--image-size (${formatBytes(imageSize)})` : `the layout's sizes (${formatBytes(smallest)})`;
    throw new DibError('DIB_E_BLOCK_DEVICE_INVALID', `${source}: ${what} is more than an MBR partition table addresses (2 TiB)`, {
      location: { file: source, key: 'partitioning.label' },
      hint: 'Use a gpt label (block-device-gpt or block-device-efi) for disks over 2 TiB, or a smaller size.',
    });
  }
  for (const type of types) {
    const max = FORMAT_MAX_BYTES[type];
    if (max !== undefined && smallest > max) {
      throw new DibError('DIB_E_ARGUMENT', `a ${type} image holds at most ${formatBytes(max)}; this one would be ${formatBytes(smallest)}`, {
        hint: `Use a smaller --image-size, or another format (qcow2 or raw) for disks over ${formatBytes(max)}.`,
      });
    }
  }
}
