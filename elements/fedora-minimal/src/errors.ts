import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_FEDORA_MINIMAL_REPOS: {
    title: 'DIB_YUM_MINIMAL_BOOTSTRAP_REPOS names no directory of .repo files',
    hint: "Point it at a directory holding the .repo files to bootstrap from, or unset it to use Fedora's repositories (DIB_DISTRIBUTION_MIRROR for a mirror).",
  },
  DIB_E_FEDORA_MINIMAL_ARCH: {
    title: 'Fedora is not built for this architecture',
    hint: 'Build for amd64, arm64, ppc64el or s390x (-a).',
  },
});
