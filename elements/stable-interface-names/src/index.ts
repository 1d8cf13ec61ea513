import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'stable-interface-names',
  description: "Stable (predictable) network interface names: undoes what turns udev's naming off; biosdevname where the distribution packages it (not Debian)",
  dependencies: ['package-installs'],
  env: {
    DIB_BOOTLOADER_DEFAULT_CMDLINE: {
      description: 'Kernel command line of the bootloader element; environment.d removes net.ifnames=0 and biosdevname=0 from it',
    },
  },
  packages: {
    // biosdevname reads the SMBIOS tables of x86 firmware; it names nothing elsewhere.
    biosdevname: { arch: ['amd64', 'i386'] },
  },
  pkgMap: {
    // Debian dropped biosdevname (bookworm has none): systemd's own naming stands in.
    family: { debian: { biosdevname: '' } },
    distro: { ubuntu: { biosdevname: 'biosdevname' } },
  },
});
