import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'block-device-efi',
  description: 'Block-device layout: GPT with an EFI system partition, a BIOS boot partition and an ext4 root; boots under UEFI and BIOS',
  provides: ['block-device'],
  // The architectures the bootloader writes a UEFI loader for (DIB refuses POWER here too).
  architectures: ['amd64', 'i386', 'arm64'],
  blockDevice: [
    { local_loop: { name: 'image0' } },
    {
      partitioning: {
        base: 'image0',
        label: 'gpt',
        partitions: [
          {
            name: 'ESP',
            type: 'EF00',
            size: '128MiB',
            mkfs: { type: 'vfat', label: 'ESP', mount: { mount_point: '/boot/efi', fstab: { options: 'defaults', 'fsck-passno': 2 } } },
          },
          { name: 'BSP', type: 'EF02', size: '8MiB' },
          { name: 'root', type: '8300', size: '100%', mkfs: { type: 'ext4', mount: { mount_point: '/', fstab: { options: 'defaults', 'fsck-passno': 1 } } } },
        ],
      },
    },
  ],
});
