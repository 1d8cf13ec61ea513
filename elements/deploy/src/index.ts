import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'deploy',
  description: 'A direct-deploy ramdisk: downloads the image named on the kernel command line, checks its checksum, writes it to the target disk',
  dependencies: ['ramdisk'],
  packages: {
    curl: null,
    'qemu-utils': null,
  },
});
