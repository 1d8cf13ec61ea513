import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'block-device-gpt',
  description: 'Block-device layout: GPT with a BIOS boot partition (for GRUB) and an ext4 root filling the disk',
  provides: ['block-device'],
  // As DIB: arm64 firmware boots UEFI only, which needs block-device-efi's ESP.
  architectures: ['amd64', 'i386', 'armhf', 'ppc64el', 's390x'],
  blockDevice: [
    { local_loop: { name: 'image0' } },
    {
      partitioning: {
        base: 'image0',
        label: 'gpt',
        partitions: [
          { name: 'BSP', type: 'EF02', size: '8MiB' },
          {
            name: 'root',
            flags: ['boot'],
            size: '100%',
            mkfs: { type: 'ext4', mount: { mount_point: '/', fstab: { options: 'defaults', 'fsck-passno': 1 } } },
          },
        ],
      },
    },
  ],
});
