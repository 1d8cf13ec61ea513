import { defineElement } from '@dib/core/element';
import { unpackFedoraCloudImage } from './cloud-image.js';
import { ERRORS } from './errors.js';

export { defaultCloudImages } from './cloud-image.js';

export default defineElement({
  name: 'fedora',
  description: "Fedora from the release's Cloud Base image (Generic qcow2), its signed CHECKSUM verified, cached between builds",
  dependencies: ['fedora-common', 'cloud-image'],
  provides: ['operating-system'],
  errors: ERRORS,
  env: {
    DIB_CLOUD_IMAGES: {
      description:
        "Directory the release's cloud images are published in; default: Fedora's, over https (an end-of-life release is only in Fedora's archive: point this there)",
    },
    BASE_IMAGE_FILE: { description: 'The image file there; default: the newest Fedora-Cloud-Base-Generic-RELEASE-*.ARCH.qcow2 the CHECKSUM file lists' },
  },
  hooks: { root: [{ name: '10-fedora-cloud-image', run: unpackFedoraCloudImage }] },
});
