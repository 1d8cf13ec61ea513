import { defineElement } from '@dib/core/element';
import { z } from 'zod';

export default defineElement({
  name: 'modprobe',
  description: "Installs every element's modprobe.d/*.conf into /etc/modprobe.d, and blacklists the modules of DIB_MODPROBE_BLACKLIST",
  env: {
    DIB_MODPROBE_BLACKLIST: {
      description: 'Kernel modules to blacklist, space separated: one "blacklist NAME" line each in /etc/modprobe.d/blacklist.conf',
      default: '',
      schema: z.string().regex(/^[\w\s-]*$/, 'module names (letters, digits, "_" and "-") separated by spaces'),
    },
  },
  // Any element of the build may ship modprobe.d/NAME.conf.
  dataDirs: ['modprobe.d'],
});
