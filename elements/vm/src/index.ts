import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'vm',
  description: 'A bootable whole-disk image: a block-device layout (block-device-mbr unless another is chosen) and the bootloader',
  dependencies: ['block-device', 'bootloader'],
  defaultProviders: { 'block-device': 'block-device-mbr' },
});
