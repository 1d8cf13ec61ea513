import { defineElement } from '@dib/core/define';
import { copyKernelAndInitrd } from './kernel-outputs.js';

export default defineElement({
  name: 'baremetal',
  description: "Writes the image's kernel and initramfs beside it (OUTPUT.vmlinuz, OUTPUT.initrd) for PXE and whole-disk deploys",
  outputs: [
    { name: 'vmlinuz', description: "the image's newest kernel" },
    { name: 'initrd', description: 'the initramfs that goes with it (it mounts the root filesystem by label)' },
  ],
  hooks: { cleanup: [{ name: '99-baremetal-kernel', run: copyKernelAndInitrd }] },
});
