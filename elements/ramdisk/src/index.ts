import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'ramdisk',
  description: 'The default ramdisk: ramdisk-base plus DHCP networking on every Ethernet interface (init.d/10-ramdisk-network)',
  dependencies: ['ramdisk-base'],
});
