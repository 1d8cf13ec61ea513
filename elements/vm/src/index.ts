import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'vm',
  description:
    'A bootable whole-disk image: a block-device layout (block-device-mbr unless another is chosen; block-device-efi on arm64, which boots through UEFI only) and the bootloader',
  dependencies: ['block-device', 'bootloader'],
  defaultProviders: { 'block-device': 'block-device-mbr' },
  defaultProvidersByArch: { arm64: { 'block-device': 'block-device-efi' } },
});
