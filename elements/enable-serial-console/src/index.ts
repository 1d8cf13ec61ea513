import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'enable-serial-console',
  description: 'Starts a login prompt (getty) on the serial consoles of the machine: through udev on systemd, inittab on openrc, a job on upstart',
  dependencies: ['dib-init-system'],
  env: {
    // No default here: the bootloader element gives one (ttyS0,115200); without it the architecture decides.
    DIB_BOOTLOADER_SERIAL_CONSOLE: { description: 'Serial console as console= takes it (ttyS0,115200); openrc puts its getty there' },
  },
});
