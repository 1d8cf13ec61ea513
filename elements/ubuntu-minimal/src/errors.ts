import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_UBUNTU_MIRROR_UNKNOWN: {
    title: 'No Ubuntu mirror to bootstrap from',
    hint: 'Set DIB_DISTRIBUTION_MIRROR to an Ubuntu archive mirror, or install debootstrap (dib reads the default archive from its Ubuntu script).',
  },
});
