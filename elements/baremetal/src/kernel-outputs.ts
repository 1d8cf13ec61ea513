/** cleanup: copies the tree's newest kernel and its initramfs to the element's outputs. */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { DibError, newestKernel, type HostHookContext } from '@dib/core';

export function copyKernelAndInitrd(ctx: HostHookContext): void {
  const found = newestKernel(ctx.targetRoot);
  if (!found?.initrd) {
    throw new DibError('DIB_E_OUTPUT_MISSING', found ? `the image has kernel ${found.version} but no initramfs for it in /boot` : 'the image has no kernel in /boot (vmlinuz-*)', {
      location: { element: ctx.element, phase: ctx.phase },
      hint: 'baremetal needs an operating-system element that installs a kernel and builds its initramfs (debian-minimal does).',
    });
  }
  copyFileSync(found.kernel, path.join(ctx.outputDir, 'vmlinuz'));
  copyFileSync(found.initrd, path.join(ctx.outputDir, 'initrd'));
  ctx.log(`baremetal: kernel ${found.version} and its initramfs`);
}
