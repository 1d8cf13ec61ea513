/**
 * A root filesystem image unpacked into the image tree, by what the file is (its
 * magic bytes, not its name): squashfs (Ubuntu's cloud images) or a tar archive,
 * plain or compressed. Ownership, modes and extended attributes are kept.
 */
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';

export type ImageKind = 'squashfs' | 'tar' | 'qcow2' | 'unknown';

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
  return 'unknown';
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
    throw new ElementError(
      ERRORS.DIB_E_CLOUD_IMAGE_FORMAT,
      `${file} is ${kind === 'qcow2' ? 'a qcow2 disk image' : 'neither squashfs nor a tar archive'}; this release unpacks squashfs and tar root filesystem images only`,
    );
  }
}
