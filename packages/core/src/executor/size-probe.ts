/**
 * A disk of --image-size is written as a sparse file in the build directory. A
 * filesystem that cannot hold a file that large (ext4 stops at 16 TiB) is found here,
 * before any phase runs, instead of when the disk is assembled at the end.
 */
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DibError } from '../errors.js';
import { formatBytes } from '../block-device/size.js';

export function checkFileSizeFits(dir: string, bytes: number, asked: string): void {
  const probe = path.join(dir, '.image-size-probe');
  try {
    writeFileSync(probe, '');
    truncateSync(probe, bytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EFBIG' && code !== 'EINVAL') throw e;
    throw new DibError(
      'DIB_E_ARGUMENT',
      `--image-size ${asked} (${formatBytes(bytes)}) is larger than a file the build directory's filesystem can hold (${dir})`,
      {
        hint: 'Give a smaller --image-size, or build where larger files fit (a tmpfs build, or DIB_TMP_DIR on another filesystem).',
      },
    );
  } finally {
    rmSync(probe, { force: true });
  }
}
