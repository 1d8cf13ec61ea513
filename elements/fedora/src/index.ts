import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { unpackFedoraCloudImage } from './cloud-image.js';
import { ERRORS } from './errors.js';
import { DEFAULT_FEDORA_RELEASE } from './releases.js';

export { defaultCloudImages } from './cloud-image.js';
export { DEFAULT_FEDORA_RELEASE, FEDORA_ARCHES } from './releases.js';
export { FEDORA_KEYRING } from './keys.js';

export default defineElement({
  name: 'fedora',
  description: "Fedora from the release's Cloud Base image (Generic qcow2), its signed CHECKSUM verified, cached between builds",
  dependencies: ['yum', 'cloud-image', 'pkg-map', 'package-installs'],
  provides: ['operating-system'],
  errors: ERRORS,
  env: {
    DISTRO_NAME: { description: 'Distribution name, for pkg-map and caches', default: 'fedora' },
    DIB_RELEASE: {
      description: 'Fedora release number',
      default: DEFAULT_FEDORA_RELEASE,
      schema: z.string().regex(/^[1-9][0-9]*$/, 'a Fedora release number such as 45'),
    },
    DIB_CLOUD_IMAGES: {
      description:
        "Directory the release's cloud images are published in; default: Fedora's, over https (an end-of-life release is only in Fedora's archive: point this there)",
    },
    BASE_IMAGE_FILE: { description: 'The image file there; default: the newest Fedora-Cloud-Base-Generic-RELEASE-*.ARCH.qcow2 the CHECKSUM file lists' },
    DIB_DISTRIBUTION_MIRROR: {
      description: "A Fedora mirror (the directory holding releases/ and updates/) the image's dnf uses during the build, instead of the metalink",
    },
    DIB_INIT_SYSTEM: { description: "The image's init system, as classic elements read it", default: 'systemd', schema: z.enum(['systemd']) },
    EFI_BOOT_DIR: { description: "Directory on the ESP holding the distribution's own EFI boot files", default: 'EFI/fedora' },
  },
  hooks: { root: [{ name: '10-fedora-cloud-image', run: unpackFedoraCloudImage }] },
});
