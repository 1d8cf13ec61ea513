import { defineElement } from '@dib/core/element';
import { copyKernelAndInitrd } from './kernel-outputs.js';
import { ERRORS } from './errors.js';

export default defineElement({
  name: 'baremetal',
  description: "Writes the image's kernel and initramfs beside it (OUTPUT.vmlinuz, OUTPUT.initrd) for PXE and whole-disk deploys",
  outputs: [
    { name: 'vmlinuz', description: "the image's newest kernel" },
    { name: 'initrd', description: 'the initramfs that goes with it (it mounts the root filesystem by label)' },
  ],
  errors: ERRORS,
  hooks: { cleanup: [{ name: '99-baremetal-kernel', run: copyKernelAndInitrd }] },
});
