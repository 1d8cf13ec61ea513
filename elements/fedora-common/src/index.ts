import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { DEFAULT_FEDORA_RELEASE } from './releases.js';

export { DEFAULT_FEDORA_RELEASE, FEDORA_ARCHES } from './releases.js';
export { FEDORA_KEYRING, fedoraRpmKeys } from './keys.js';

export default defineElement({
  name: 'fedora-common',
  description: "What the Fedora elements share: release, Fedora's keys, the mirror for the image's repositories",
  dependencies: ['yum', 'pkg-map', 'package-installs'],
  env: {
    DISTRO_NAME: { description: 'Distribution name, for pkg-map and caches', default: 'fedora' },
    DIB_RELEASE: {
      description: 'Fedora release number',
      default: DEFAULT_FEDORA_RELEASE,
      schema: z.string().regex(/^[1-9][0-9]*$/, 'a Fedora release number such as 45'),
    },
    DIB_DISTRIBUTION_MIRROR: {
      description: "A Fedora mirror (the directory holding releases/ and updates/) the image's dnf uses, instead of the metalink",
    },
    DIB_INIT_SYSTEM: { description: "The image's init system, as classic elements read it", default: 'systemd', schema: z.enum(['systemd']) },
    EFI_BOOT_DIR: { description: "Directory on the ESP holding the distribution's own EFI boot files", default: 'EFI/fedora' },
  },
});
