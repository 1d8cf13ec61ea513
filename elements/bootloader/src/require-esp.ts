/**
 * arm64 firmware boots UEFI only, so an arm64 disk needs an EFI system partition for the
 * loader. Checked first thing in the root phase, not at finalise after the whole
 * (emulated, slow) install.
 */
import type { HostHookContext } from '@dib/core/element';
import { ElementError } from '@dib/core/element';
import { ERRORS } from './errors.js';

export async function requireEsp(ctx: HostHookContext): Promise<void> {
  const mounts = ctx.env.DIB_BLOCK_DEVICE_MOUNTS;
  // Set for disk builds only: a tree (tar, squashfs) has no partitions to check.
  if (ctx.arch !== 'arm64' || !mounts || mounts.split(' ').includes('/boot/efi')) return;
  throw new ElementError(ERRORS.DIB_E_BOOTLOADER_NO_ESP, `the arm64 disk layout mounts ${mounts} and no EFI system partition at /boot/efi`);
}
