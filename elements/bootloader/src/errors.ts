import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_BOOTLOADER_NO_ESP: {
    title: 'An arm64 disk without an EFI system partition',
    hint: "arm64 boots through UEFI only: use block-device-efi (vm's default on arm64), or a layout with a vfat partition mounted at /boot/efi.",
  },
});
