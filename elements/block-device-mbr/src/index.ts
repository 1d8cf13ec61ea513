import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'block-device-mbr',
  description: 'Block-device layout: MBR partition table with one bootable root partition (ext4) filling the disk',
  provides: ['block-device'],
  blockDevice: [
    { local_loop: { name: 'image0' } },
    {
      partitioning: {
        base: 'image0',
        label: 'mbr',
        partitions: [
          {
            name: 'root',
            flags: ['boot', 'primary'],
            size: '100%',
            mkfs: { type: 'ext4', mount: { mount_point: '/', fstab: { options: 'defaults', 'fsck-passno': 1 } } },
          },
        ],
      },
    },
  ],
});
