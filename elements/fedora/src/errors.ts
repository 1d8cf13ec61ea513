import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_FEDORA_ARCH: {
    title: 'Fedora publishes no cloud image for this architecture',
    hint: 'Build for amd64, arm64, ppc64el or s390x (-a), or give your own image with DIB_LOCAL_IMAGE.',
  },
});
