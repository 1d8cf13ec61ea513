/** cleanup: copies the tree's newest kernel and its initramfs to the element's outputs. */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { ElementError, newestKernel, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';

export function copyKernelAndInitrd(ctx: HostHookContext): void {
  const found = newestKernel(ctx.targetRoot);
  if (!found?.initrd) {
    throw new ElementError(
      ERRORS.DIB_E_NO_KERNEL,
      found ? `the image has kernel ${found.version} but no initramfs for it in /boot` : 'the image has no kernel in /boot (vmlinuz-*)',
    );
  }
  copyFileSync(found.kernel, path.join(ctx.outputDir, 'vmlinuz'));
  copyFileSync(found.initrd, path.join(ctx.outputDir, 'initrd'));
  ctx.log(`baremetal: kernel ${found.version} and its initramfs`);
}
