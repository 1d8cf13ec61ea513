import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_RHEL_IMAGE_SOURCE: {
    title: 'No RHEL guest image to start from',
    hint: 'Red Hat publishes its KVM guest image behind a login: download it and set DIB_LOCAL_IMAGE to the file, or set DIB_CLOUD_IMAGES and BASE_IMAGE_FILE to your own mirror of it (with a SHA256SUMS there).',
  },
  DIB_E_RHEL_REGISTRATION: {
    title: 'The REG_* variables do not describe a registration subscription-manager can make',
    hint: "portal needs REG_USER and REG_PASSWORD, or REG_ACTIVATION_KEY and REG_ORG; satellite needs REG_SAT_URL and one of those; or set REG_METHOD=disable. Upstream's DIB_RHSM_*, DIB_SAT_* and DIB_REG_TYPE are refused whatever REG_METHOD says: unset them (being DIB_* variables, they would be recorded in the image).",
  },
  DIB_E_RHEL_ARCH: {
    title: 'RHEL guest images exist for x86_64, aarch64, ppc64le and s390x only',
    hint: 'Build for amd64, arm64, ppc64el or s390x (-a).',
  },
});
