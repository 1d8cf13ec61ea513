import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_UBUNTU_KERNEL_UNAVAILABLE: {
    title: 'The release has no kernel of that flavour',
    hint: 'Use DIB_UBUNTU_KERNEL=linux-image-generic (or -virtual), or an LTS release for linux-image-hwe.',
  },
});
