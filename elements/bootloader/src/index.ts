import { defineElement } from '@dib/core/element';
import { writeBiosBootCode } from './boot-sector.js';

export default defineElement({
  name: 'bootloader',
  description: 'GRUB for BIOS (MBR or GPT with a BIOS boot partition) and UEFI (ESP), serial console, root found by label',
  env: {
    DIB_BOOTLOADER_DEFAULT_CMDLINE: { description: 'Kernel command line added after root= and the consoles', default: 'nofb nomodeset gfxpayload=text' },
    DIB_BOOTLOADER_SERIAL_CONSOLE: { description: 'Serial console as console= takes it', default: 'ttyS0,115200' },
    DIB_BOOTLOADER_TIMEOUT: { description: 'Seconds the GRUB menu waits', default: '1' },
  },
  packages: {
    'grub-pc-bin': { arch: ['amd64', 'i386'] },
    'grub-efi-amd64-bin': { arch: ['amd64'] },
    'grub2-common': null,
  },
  diskHooks: [{ name: '50-bios-boot-code', run: writeBiosBootCode }],
});
