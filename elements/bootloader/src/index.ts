import { defineElement } from '@dib/core/element';
import { writeBiosBootCode } from './boot-sector.js';
import { ERRORS } from './errors.js';
import { requireEsp } from './require-esp.js';

export default defineElement({
  name: 'bootloader',
  description:
    "GRUB for BIOS (MBR or GPT with a BIOS boot partition) and UEFI (ESP; x86_64, ia32 and arm64), serial console, root found by label; Debian's layout or the RPM distributions' (/boot/grub2, Boot Loader Specification entries)",
  env: {
    DIB_BOOTLOADER_DEFAULT_CMDLINE: { description: 'Kernel command line added after root= and the consoles', default: 'nofb nomodeset gfxpayload=text' },
    DIB_BOOTLOADER_SERIAL_CONSOLE: {
      description: 'Serial console as console= takes it',
      default: 'ttyS0,115200',
      // As DIB: the PL011 UART on Arm.
      defaultByArch: { arm64: 'ttyAMA0,115200' },
    },
    DIB_BOOTLOADER_TIMEOUT: { description: 'Seconds the GRUB menu waits', default: '1' },
  },
  // GRUB boot code is written for these only (BIOS on x86, UEFI on x86 and arm64).
  architectures: ['amd64', 'i386', 'arm64'],
  packages: {
    'grub-pc-bin': { arch: ['amd64', 'i386'] },
    'grub-efi-amd64-bin': { arch: ['amd64'] },
    'grub-efi-ia32-bin': { arch: ['i386'] },
    'grub-efi-arm64-bin': { arch: ['arm64'] },
    'grub2-common': null,
  },
  pkgMap: {
    family: {
      // The RPM distributions' GRUB: the boot images' modules are separate packages.
      redhat: {
        'grub-pc-bin': 'grub2-pc grub2-pc-modules',
        'grub-efi-amd64-bin': 'grub2-efi-x64 grub2-efi-x64-modules',
        'grub-efi-ia32-bin': 'grub2-efi-ia32 grub2-efi-ia32-modules',
        'grub-efi-arm64-bin': 'grub2-efi-aa64 grub2-efi-aa64-modules',
        'grub2-common': 'grub2-tools',
      },
    },
  },
  hooks: { root: [{ name: '00-bootloader-esp', run: requireEsp }] },
  diskHooks: [{ name: '50-bios-boot-code', run: writeBiosBootCode }],
  errors: ERRORS,
});
