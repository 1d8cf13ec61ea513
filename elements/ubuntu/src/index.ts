import { defineElement } from '@dib/core/element';
import { unpackUbuntuCloudImage } from './cloud-image.js';

export { defaultCloudImages } from './cloud-image.js';

export default defineElement({
  name: 'ubuntu',
  description: "Ubuntu from the release's official cloud image (squashfs), its signed checksum verified, cached between builds",
  dependencies: ['ubuntu-common', 'cloud-image', 'cloud-init-datasources', 'dpkg', 'package-installs'],
  provides: ['operating-system'],
  env: {
    DIB_CLOUD_IMAGES: { description: 'Where the release\'s cloud images are published; default: Ubuntu\'s "current" directory of the release, over https' },
    BASE_IMAGE_FILE: { description: 'The image file there; default: RELEASE-server-cloudimg-ARCH.squashfs' },
  },
  hooks: { root: [{ name: '10-ubuntu-cloud-image', run: unpackUbuntuCloudImage }] },
});
