import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'block-device-gpt',
  description: 'Block-device layout: GPT with a BIOS boot partition (for GRUB) and an ext4 root filling the disk',
  provides: ['block-device'],
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
