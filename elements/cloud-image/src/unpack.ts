/**
 * A cloud image unpacked into the image tree, by what the file is (its magic bytes,
 * not its name): squashfs (Ubuntu's cloud images), a tar archive (plain or
 * compressed), or a guest disk image (qcow2, or raw with a partition table or a bare
 * filesystem), whose root filesystem is copied out. Ownership, modes and extended
 * attributes are kept.
 */
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import type { HostHookContext } from '@dib/core/element';
import { unpackGuestImage } from './guest-image.js';

export type ImageKind = 'squashfs' | 'tar' | 'qcow2' | 'raw';

export function imageKind(file: string): ImageKind {
  const head = Buffer.alloc(512);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const starts = (hex: string) => head.subarray(0, hex.length / 2).equals(Buffer.from(hex, 'hex'));
  if (head.subarray(0, 4).toString('latin1') === 'hsqs') return 'squashfs';
  if (head.subarray(0, 4).toString('latin1') === 'QFI\xfb') return 'qcow2';
  // gzip, xz, zstd, bzip2: tar extracts them all; a plain tar says "ustar" at 257.
  if (starts('1f8b') || starts('fd377a585a00') || starts('28b52ffd') || starts('425a68')) return 'tar';
  if (head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  // Anything else is taken for a raw disk; the partition table and filesystem probes say whether it is one.
  return 'raw';
}

export async function unpackImage(ctx: HostHookContext, file: string): Promise<void> {
  mkdirSync(ctx.targetRoot, { recursive: true });
  const kind = imageKind(file);
  ctx.log(`unpacking ${file} (${kind}) into the image tree`);
  if (kind === 'squashfs') {
    await ctx.run('unsquashfs', ['-force', '-no-progress', '-dest', ctx.targetRoot, file]);
  } else if (kind === 'tar') {
    await ctx.run('tar', [
      '--extract',
      '--file',
      file,
      '--numeric-owner',
      '--preserve-permissions',
      '--xattrs',
      '--xattrs-include=*',
      '--directory',
      ctx.targetRoot,
    ]);
  } else {
    await unpackGuestImage(ctx, file, kind);
  }
}
