import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'block-device-mbr',
  description: 'Block-device layout: MBR partition table with one bootable root partition (ext4) filling the disk',
  provides: ['block-device'],
  // As DIB: arm64 firmware boots UEFI only, which needs block-device-efi's ESP.
  architectures: ['amd64', 'i386', 'armhf', 'ppc64el', 's390x'],
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
